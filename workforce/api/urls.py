"""The work-distribution API under /api/v1/: each topic module keeps its own patterns."""

from . import board, handover, presence, routing

urlpatterns = [*routing.urlpatterns, *presence.urlpatterns, *board.urlpatterns, *handover.urlpatterns]
