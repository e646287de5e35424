"""The back office: officials' pages, behind a login.

``admin.views`` holds the blueprint; each area's module adds its routes to it. They are imported
here, in the package, rather than at the bottom of ``views``: importing any one of them on its own
(``import admin.qr``) then loads the package first, and no module sees another half-initialised.
"""
from admin import views  # noqa: F401  (the blueprint, sign-in, landing)
from admin import surveys  # noqa: F401  (the survey back office)
from admin import kiosks  # noqa: F401  (kiosk pages)
from admin import qr  # noqa: F401  (QR codes and posters)
from admin import filing  # noqa: F401  (desk filing, receipts and photos)
from admin import tickets  # noqa: F401  (the PAKN inbox and ticket routes)
from admin import papers  # noqa: F401  (the printable papers of a ticket)
from admin import officials  # noqa: F401  (officials' list, before the generic /settings/<kind>)
from admin import settings  # noqa: F401  (the administrator's settings)
from admin import privacy  # noqa: F401  (personal data requests)
from admin import figures_views  # noqa: F401  (dashboards, reports and exports)
from admin import dossiers  # noqa: F401  (the dossier register and figures by procedure)
