"""Citizens' phone pages: QR landing, surveys, the PAKN form and status by code."""
