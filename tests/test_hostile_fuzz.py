"""No exception escapes any parser (#9 item 2): hypothesis drives mutated fixture pages (bench/fuzz.py) through
every parser the spider runs. Bounded: a fixed number of examples, no per-example deadline (the machine is shared)."""

import random
from collections import Counter

from hypothesis import HealthCheck, given, settings, strategies as st

from bench.fuzz import SNIPPETS, FuzzedPage, mutated_page, parse_everything


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), mutations=st.integers(min_value=1, max_value=5))
def test_no_exception_escapes_any_parser(seed, mutations):
    page = mutated_page(random.Random(seed), mutations)
    parse_everything(page)  # any exception fails the test, with the seed that reproduces it


def test_the_fuzzer_reaches_the_cases_that_used_to_raise():
    # the snippets that raised before #9 (RecursionError, AttributeError, TypeError, OverflowError, ValueError)
    # are all applied by the fuzzer: a page carrying each of them still parses, and bad entries are counted
    article = "https://www.dawn.com/news/1918062/fed-keeps-rates-steady"
    listing = "https://www.dawn.com/latest-news"
    skipped = sum((parse_everything(FuzzedPage(url, f"<html><body>{s}</body></html>", ("snippet",)))
                   for s in SNIPPETS for url in (article, listing)), start=Counter())
    assert skipped["bad_url"] >= 2 and skipped["article_id_out_of_range"] >= 1
