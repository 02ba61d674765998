"""Package discovery, plus the one package that lives outside the tree.

Every package under s3browser/ is found; the icons and desktop file in the top-level resources/
folder ship as s3browser.resources.  (pyproject.toml cannot say both: packages.find does not map
a folder outside the tree, and a packages list is hand-kept.)
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["s3browser", "s3browser.*"]), "s3browser.resources"],
    package_dir={"s3browser.resources": "resources"},
)
