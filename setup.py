"""Packaging glue that pyproject.toml cannot express: the repository's top-level folders
(theory/, probes/, spectra/, figures/, reproductions/ — a layout fixed by the design) are
installed under one import root, ``attnlab.theory``, ``attnlab.probes``, …, and every
subpackage below them is found on disk, so adding a paper's subpackage needs no edit here."""

from setuptools import find_packages, setup

TOP = ("theory", "probes", "spectra", "figures", "reproductions")
packages = [f"attnlab.{name}" for name in find_packages(include=[f"{t}*" for t in TOP])
            if name.split(".")[0] in TOP]
setup(packages=packages, package_dir={f"attnlab.{t}": t for t in TOP})
