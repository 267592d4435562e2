from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers and orders")

    def ready(self) -> None:
        from audit.presentation import register_context_label, register_object_label

        from . import audit_contexts
        from .services.buyers import customer_audit_label_shown

        # The audit log keeps a buyer's platform, and where their details were seen, as codes: words for readers.
        register_object_label(self.get_model("Customer")._meta.label_lower, customer_audit_label_shown)
        for code, label in audit_contexts.LABELS.items():
            register_context_label(code, label)
