"""Pages under /work/: each topic module keeps its own patterns."""

from .views import board, handover, presence, routing

app_name = "workforce"
urlpatterns = [*routing.urlpatterns, *presence.urlpatterns, *board.urlpatterns, *handover.urlpatterns]
