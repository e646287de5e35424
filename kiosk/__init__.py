"""The touch kiosk at the service desk."""
