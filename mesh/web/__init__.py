"""The box office's static server (``python -m mesh.web``): the built web app (web/dist) on ``/``."""
