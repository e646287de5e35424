"""The JSON API (``/api/v1``): kiosk taps in, public aggregates and citizens' PAKN out."""
