import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Messages read in English (the pages follow the browser's language; these tests name English text)."""
    with translation.override("en"):
        yield
