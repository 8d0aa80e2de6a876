"""The few streamlit helpers pages share: login gate, navigation, messages, widgets."""
