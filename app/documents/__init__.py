"""The document library: GB/T 9704 .docx, PDF through LibreOffice, the stored text format, the format check and
the .docx import. It knows formats, never features: it takes plain values (GongwenData …) and gives bytes, and
imports nothing of the app but app/core (a contract in pyproject.toml). Turning a notice into those values is
app/notices/documents.py."""
