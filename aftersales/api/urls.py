urlpatterns: list = []  # after-sales endpoints arrive with the after-sales workflow
