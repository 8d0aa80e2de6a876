"""`python -m care bench`: how the app's speed holds up as a programme grows.

A dev tool, kept outside care/ because it drives the pages with Streamlit's AppTest.

build.py writes synthetic databases, run.py times one of them in its own process (so its
peak memory is the app's), report.py turns the figures into the table and the targets.
"""
