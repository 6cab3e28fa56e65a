"""The ``Api-Key`` security scheme in the platform's OpenAPI document (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "intelligence.benchmarking.api.auth.ApiKeyAuthentication"
    name = "ApiKey"
    # Optional: without a key the API answers at the anonymous rate.
    optional = True

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Api-Key",
            "description": (
                "A benchmarking API key, in X-Api-Key or as 'Authorization: Api-Key <key>'. "
                "Optional: without one the API answers at the anonymous rate. A key issued to "
                "a council also shows that council its own values still under embargo."
            ),
        }
