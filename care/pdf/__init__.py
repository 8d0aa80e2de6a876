"""PDF exports. One FPDF per export; only the bytes leave this package."""
