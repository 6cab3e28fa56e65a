"""Text from stored content, for the search index: PDF (pypdf), DOCX (python-docx), plain text.
Bounded: at most RECORDS_MAX_EXTRACTED_CHARS characters are kept."""

from django.conf import settings

from .validation import TEXT_TYPES

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def extract(fileobj, content_type: str) -> str:
    limit = int(getattr(settings, "RECORDS_MAX_EXTRACTED_CHARS", 1_000_000))
    if content_type == "application/pdf":
        from pypdf import PdfReader

        parts, size = [], 0
        for page in PdfReader(fileobj, strict=False).pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= limit:
                break
        return "\n".join(parts)[:limit]
    if content_type == DOCX:
        import docx

        document = docx.Document(fileobj)
        return "\n".join(p.text for p in document.paragraphs)[:limit]
    if content_type in TEXT_TYPES:
        return fileobj.read(limit * 4).decode("utf-8", errors="replace")[:limit]
    return ""
