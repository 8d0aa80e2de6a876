"""CARE case management: the domain. Plain Python, no streamlit (except care/ui/)."""
