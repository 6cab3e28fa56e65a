"""Mounted at /api/v1/360giving/ on council domains."""

from django.urls import path

from .giving import grants_json

urlpatterns = [path("grants.json", grants_json, name="360giving-grants")]
