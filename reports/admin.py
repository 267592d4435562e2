from django.contrib import admin

from .models import ImprovementAction


@admin.register(ImprovementAction)
class ImprovementActionAdmin(admin.ModelAdmin):
    list_display = ["period", "text", "created_by", "created_at"]
    list_filter = ["period"]
    search_fields = ["period", "text"]
    raw_id_fields = ["created_by"]
    date_hierarchy = "created_at"
