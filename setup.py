# For `scrapyd-deploy` (scrapyd-client), which builds the project's egg with `setup.py bdist_egg`: everything,
# the scrapy entry point included, is declared in pyproject.toml.
from setuptools import setup

setup()
