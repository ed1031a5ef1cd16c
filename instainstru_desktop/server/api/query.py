"""Query parameters of the hottest reads, validated in one pass instead of one per parameter.

FastAPI resolves each declared query parameter on its own on every request: it looks at the
parameter's annotation again (is it a model? a sequence?), copies its default and runs its own
validator. For the admin page's eight parameters that was about 0.1 ms a request, more than the
presenters of its hundred rows. Here the same declarations -- a function whose signature is
written exactly as a route's would be -- become one pydantic model, validated once per request
with the same types and constraints; the function then builds what the route needs.

What a client sees stays the same: the same values, the same refusals (``RequestValidationError``
with each error at ``("query", <name>)``, answered by ``problems``), and the same parameters in
the OpenAPI document (:func:`document`, from FastAPI's own generator run on the declarations).
``tests/server/test_query_parameters.py`` holds both paths to each other.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar, get_type_hints

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from starlette.routing import BaseRoute

_T = TypeVar("_T")


class QueryParameters(Generic[_T]):
    """The query parameters declared by ``declaration``'s signature, read into its result."""

    def __init__(self, declaration: Callable[..., _T]) -> None:
        self.declaration = declaration
        hints = get_type_hints(declaration, include_extras=True)
        fields: dict[str, Any] = {}
        for name, parameter in inspect.signature(declaration).parameters.items():
            required = parameter.default is inspect.Parameter.empty
            fields[name] = (hints[name], ... if required else parameter.default)
        self._model: type[BaseModel] = create_model(
            f"{declaration.__name__}_parameters",
            __config__=ConfigDict(extra="ignore"),
            **fields,
        )

    def read(self, received: Mapping[str, str]) -> _T:
        """``declaration`` called with the validated values of ``received`` (the last value of
        a repeated name, as FastAPI reads it); a refusal is the same ``RequestValidationError``
        FastAPI raises, every error located at ``("query", <name>)``."""
        try:
            values = self._model.model_validate(received)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            raise RequestValidationError(
                [{**error, "loc": ("query", *error["loc"])} for error in errors]
            ) from None
        return self.declaration(**values.__dict__)

    def dependency(self) -> Any:
        """``Depends`` on this reading of the request's query (on the event loop: no thread)."""

        async def query_parameters(request: Request) -> _T:
            return self.read(request.query_params)

        query_parameters.declared_by = self  # type: ignore[attr-defined]
        return Depends(query_parameters)


def document(schema: dict[str, Any], routes: Sequence[BaseRoute]) -> None:
    """Add to ``schema`` (an OpenAPI document of ``routes``) the query parameters read through
    :class:`QueryParameters`, exactly as FastAPI documents them when a route declares them."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for context in iter_route_contexts(routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or context.path_format is None:
            continue
        for dependant in route.dependant.dependencies:
            declared = getattr(dependant.call, "declared_by", None)
            if isinstance(declared, QueryParameters):
                path = context.path_format
                methods = sorted(context.methods or ())
                _add_parameters(schema["paths"][path], components, path, methods, declared)


def _add_parameters(
    operations: dict[str, Any],
    components: dict[str, Any],
    path: str,
    methods: list[str],
    declared: QueryParameters[Any],
) -> None:
    reference = APIRoute(path, declared.declaration, methods=methods, response_model=None)
    generated = get_openapi(title="", version="", routes=[reference])
    for name, component in generated.get("components", {}).get("schemas", {}).items():
        components.setdefault(name, component)
    for method, operation in generated["paths"][path].items():
        target = operations[method]
        target.setdefault("parameters", []).extend(operation.get("parameters", []))
