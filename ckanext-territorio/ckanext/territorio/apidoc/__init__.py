"""The API's own description: the OpenAPI document built from schemas/openapi.yaml."""
