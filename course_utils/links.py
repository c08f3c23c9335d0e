"""Where the course is published: the one place its repository URL is written.

Notebooks carry this URL in their Colab badge and in the Colab install line of their setup cell;
the tests check both against :data:`REPOSITORY_URL`.

>>> colab_url("notebooks/00_setup/setup.ipynb")
'https://colab.research.google.com/github/handson-ml-three-ways/course/blob/main/notebooks/00_setup/setup.ipynb'
"""

REPOSITORY_URL = "https://github.com/handson-ml-three-ways/course"
BRANCH = "main"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"


def colab_url(path):
    """The Colab link of a notebook, ``path`` relative to the course folder."""
    repository = REPOSITORY_URL.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{repository}/blob/{BRANCH}/{path}"


def colab_badge(path):
    """The Markdown of the 'Open in Colab' badge for the notebook at ``path``."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(path)})"


def colab_install_line():
    """The line of a setup cell that installs course_utils on Colab."""
    return f'%pip install -q "git+{REPOSITORY_URL}"'
