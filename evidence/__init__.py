"""The evidence the atlas stands on: the source documents and the text it ships of each (documents.py), their
paragraphs and where a quote lies (passages.py), their footnotes parsed into references (notes.py), citations
resolved to what a reader sees (citations.py) and written for reference managers (citation_formats.py), the
checks of a citation's provenance (provenance.py), and what the reader needs of them (texts.py). Below the layers:
it reads no layer; every layer cites it.
"""
