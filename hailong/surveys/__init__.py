"""Surveys: definitions and versions, answers, campaigns, results, the shipped templates, the page's integrity."""
