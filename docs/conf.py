"""Sphinx settings of the course book. Build it with ``make book`` (see ``docs/build.py``)."""

project = "Deep learning, opened up"
author = "the course authors"
copyright = "the course authors, MIT License"

extensions = [
    "myst_nb",  # the executed notebooks, as they were saved
    "sphinx.ext.autodoc",  # the API reference, from dlhelpers' docstrings
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",  # Google-style Args / Returns / Raises
    "sphinx-mathjax-offline",  # MathJax 3 copied into _static, not loaded from a CDN
]

root_doc = "index"
# _chapter_map.md (written by build.py) is included in index.md, not a page of its own.
exclude_patterns = ["_build", "**.ipynb_checkpoints", "_chapter_map.md"]

# The notebooks are committed executed: the book shows their stored outputs, never reruns them.
nb_execution_mode = "off"
# No require.js or widget manager from a CDN: build.py has already replaced each widget by the
# figure it stored.
nb_ipywidgets_js = {}
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autosummary_generate = False
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True  # "Attributes:" as fields, not entries that clash with :members:

html_theme = "sphinx_book_theme"
html_title = "Deep learning, opened up"
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
# Without a mode the theme logs "Got invalid theme mode" to the console on a first visit.
html_context = {"default_mode": "auto"}
# A local icon: without one the browser asks the server for /favicon.ico (a 404).
html_favicon = "_static/favicon.png"
html_theme_options = {
    "show_toc_level": 2,
    "home_page_in_toc": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
}
