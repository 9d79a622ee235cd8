"""The catalog in DCAT 3 (W3C Data Catalog Vocabulary), as JSON-LD or Turtle, and back.

Every field of ``catalog.yml`` has a place, so that an export read back gives the same
catalog:

=====================  ============================================================
catalog.yml            DCAT 3 (with rdflib's DCAT, DCTERMS and FOAF namespaces)
=====================  ============================================================
dataset                ``dcat:Dataset`` in ``dcat:dataset`` of one ``dcat:Catalog``
name, title            ``dct:identifier``, ``dct:title`` (``@ko``)
owner                  ``dct:publisher`` → ``foaf:Agent`` with ``foaf:name``
description            ``dct:description``
update_cycle           ``dct:accrualPeriodicity`` (EU frequency vocabulary where the
                       cycle is one of :data:`FREQUENCIES`) and ``wb:updateCycle``
licence                ``dct:license`` → ``dct:LicenseDocument`` with ``rdfs:label``
keywords               ``dcat:keyword`` (a set: read back in sorted order)
sensitivity            ``wb:sensitivity`` and ``dct:accessRights`` (EU access rights)
source, format, ...    ``dcat:distribution`` → ``dcat:Distribution`` with ``dct:format``,
                       ``dcat:mediaType`` and ``wb:source``, ``wb:encoding``, ``wb:sheet``,
                       ``wb:headerRows``, ``wb:table``, ``wb:query``, ``wb:connection``
columns                ``wb:column`` → ``wb:Column`` (``wb:name``, ``wb:position``,
                       ``wb:type``, ``wb:pii``, ``wb:key``, ``wb:keyVintage``, ...)
connections            ``wb:connection`` of the catalog (``url_env`` only: never a URL)
=====================  ============================================================

``wb:`` is the project's namespace (:data:`WB`) for what DCAT has no term for: the
Korean extensions (sensitivity, join keys with their code vintage, personal-information
kinds) and what a reader needs to open the source.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal

from rdflib import RDF, Graph, Namespace, URIRef
from rdflib import Literal as Value
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDFS

from workbench.catalog._model import CatalogFile, Column, DatasetEntry
from workbench.exceptions import CatalogError

if TYPE_CHECKING:
    from rdflib.term import Node

__all__ = [
    "FREQUENCIES",
    "SYNTAXES",
    "WB",
    "catalog_from_dcat",
    "catalog_to_dcat",
    "catalog_yaml",
]

#: The project namespace for the terms DCAT lacks (``.example``: it names, never resolves).
WB = "https://kdba-workbench.example/ns#"
wb = Namespace(WB)
_BASE = "https://kdba-workbench.example/catalog/"
_FREQ = "http://publications.europa.eu/resource/authority/frequency/"
_ACCESS = "http://publications.europa.eu/resource/authority/access-right/"
_MEDIA = "https://www.iana.org/assignments/media-types/"

#: update_cycle values with a term of the EU frequency vocabulary.
FREQUENCIES = {
    "실시간": "CONT",
    "일 1회": "DAILY",
    "주 1회": "WEEKLY",
    "월 1회": "MONTHLY",
    "분기 1회": "QUARTERLY",
    "반기 1회": "ANNUAL_2",
    "연 1회": "ANNUAL",
    "수시": "IRREG",
}
_ACCESS_RIGHTS = {
    "public": "PUBLIC",
    "internal": "RESTRICTED",
    "personal": "NON_PUBLIC",
    "pseudonymised": "RESTRICTED",
}
_MEDIA_TYPES = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/json",
    "excel": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
#: Syntaxes of :func:`catalog_to_dcat`, with rdflib's name of each.
SYNTAXES = {"json-ld": "json-ld", "turtle": "turtle"}

# Field -> wb: term, for the plain values of a distribution and of a column.
_SOURCE_FIELDS = {
    "source": "source",
    "format": "format",
    "encoding": "encoding",
    "sheet": "sheet",
    "header_rows": "headerRows",
    "table": "table",
    "query": "query",
    "connection": "connection",
}
_COLUMN_FIELDS = {
    "type": "type",
    "pii": "pii",
    "key": "key",
    "vintage": "keyVintage",
    "nullable": "nullable",
    "unique": "unique",
    "min": "min",
    "max": "max",
    "pattern": "pattern",
}


def _graph() -> Graph:
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("wb", wb)):
        graph.bind(prefix, namespace)
    return graph


def catalog_to_dcat(catalog: CatalogFile, syntax: Literal["json-ld", "turtle"] = "json-ld") -> str:
    """Write a catalog as DCAT 3 in JSON-LD or Turtle.

    Examples
    --------
    >>> from workbench.catalog._catalog import SAMPLE_CATALOG
    >>> from workbench.catalog._model import load_catalog_file
    >>> text = catalog_to_dcat(load_catalog_file(SAMPLE_CATALOG), "turtle")
    >>> "dcat:Dataset" in text and "dct:accrualPeriodicity" in text
    True
    """
    if syntax not in SYNTAXES:
        raise CatalogError(
            f"DCAT 형식 {syntax!r}: 알 수 없는 형식입니다. json-ld 또는 turtle 중 하나를 주세요."
        )
    graph = _graph()
    root = URIRef(_BASE)
    graph.add((root, RDF.type, DCAT.Catalog))
    graph.add((root, wb.catalogVersion, Value(catalog.version)))
    for name, connection in catalog.connections.items():
        node = URIRef(_BASE + "connection/" + _quote(name))
        graph.add((root, wb.connection, node))
        graph.add((node, wb.name, Value(name)))
        if connection.url_env is not None:
            graph.add((node, wb.urlEnv, Value(connection.url_env)))
        graph.add((node, DCTERMS.description, Value(connection.description, lang="ko")))
    for position, (name, entry) in enumerate(catalog.datasets.items()):
        dataset = URIRef(_BASE + "dataset/" + _quote(name))
        graph.add((root, DCAT.dataset, dataset))
        graph.add((dataset, wb.position, Value(position)))
        _add_dataset(graph, dataset, name, entry)
    if syntax == "json-ld":
        context = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
        text = graph.serialize(format="json-ld", context=context, auto_compact=True)
        return json.dumps(_sorted(json.loads(text)), ensure_ascii=False, indent=2) + "\n"
    return graph.serialize(format="turtle")


def _sorted(value: Any) -> Any:
    """JSON-LD with every array in one order: rdflib's follows its store's set order.

    No array here is an ``@list``: each is a set of values, whose order carries nothing.
    """
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        items = [_sorted(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, ensure_ascii=False))
    return value


def _add_dataset(graph: Graph, node: Node, name: str, entry: DatasetEntry) -> None:

    add = graph.add
    add((node, RDF.type, DCAT.Dataset))
    add((node, DCTERMS.identifier, Value(name)))
    add((node, DCTERMS.title, Value(entry.title, lang="ko")))
    add((node, DCTERMS.description, Value(entry.description, lang="ko")))
    # Nodes are named after their dataset (no blank nodes), so an export is reproducible.
    publisher = URIRef(f"{node}#publisher")
    add((node, DCTERMS.publisher, publisher))
    add((publisher, RDF.type, FOAF.Agent))
    add((publisher, FOAF.name, Value(entry.owner, lang="ko")))
    if entry.update_cycle:
        add((node, wb.updateCycle, Value(entry.update_cycle, lang="ko")))
        if entry.update_cycle in FREQUENCIES:
            frequency = URIRef(_FREQ + FREQUENCIES[entry.update_cycle])
            add((node, DCTERMS.accrualPeriodicity, frequency))
    if entry.licence:
        licence = URIRef(f"{node}#licence")
        add((node, DCTERMS.license, licence))
        add((licence, RDF.type, DCTERMS.LicenseDocument))
        add((licence, RDFS.label, Value(entry.licence, lang="ko")))
    for keyword in entry.keywords:
        add((node, DCAT.keyword, Value(keyword, lang="ko")))
    add((node, wb.sensitivity, Value(entry.sensitivity)))
    add((node, DCTERMS.accessRights, URIRef(_ACCESS + _ACCESS_RIGHTS[entry.sensitivity])))
    add((node, wb.schemaStrict, Value(entry.schema_strict)))
    distribution = URIRef(f"{node}#distribution")
    add((node, DCAT.distribution, distribution))
    add((distribution, RDF.type, DCAT.Distribution))
    if entry.format in _MEDIA_TYPES:
        add((distribution, DCAT.mediaType, URIRef(_MEDIA + _MEDIA_TYPES[entry.format])))
    add((distribution, DCTERMS.format, Value(entry.format)))
    for field, term in _SOURCE_FIELDS.items():
        value = getattr(entry, field)
        if value is not None:
            add((distribution, wb[term], Value(value)))
    for position, (column_name, column) in enumerate(entry.columns.items()):
        column_node = URIRef(f"{node}#column-{position}")
        add((node, wb.column, column_node))
        _add_column(graph, column_node, column_name, position, column)


def _add_column(graph: Graph, node: Node, name: str, position: int, column: Column) -> None:

    graph.add((node, RDF.type, wb.Column))
    graph.add((node, wb.name, Value(name)))
    graph.add((node, wb.position, Value(position)))
    graph.add((node, DCTERMS.description, Value(column.description, lang="ko")))
    for field, term in _COLUMN_FIELDS.items():
        value = getattr(column, field)
        if value is not None:
            graph.add((node, wb[term], Value(value)))
    if column.allowed is not None:  # a list of any values: kept exactly as JSON
        graph.add((node, wb.allowed, Value(json.dumps(column.allowed, ensure_ascii=False))))


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def catalog_from_dcat(text: str, syntax: Literal["json-ld", "turtle"] = "json-ld") -> CatalogFile:
    """Read a catalog back from DCAT 3 (as :func:`catalog_to_dcat` writes it).

    Raises
    ------
    CatalogError
        When the text is not RDF in that syntax, holds no ``dcat:Catalog``, or a dataset
        lacks what ``catalog.yml`` requires (naming the dataset and the field).
    """
    graph = Graph()
    try:
        graph.parse(data=text, format=SYNTAXES.get(syntax, syntax))
    except Exception as exc:  # rdflib's parsers raise their own types
        detail = " ".join(str(exc).split())[:300]
        raise CatalogError(
            f"DCAT 파일을 {syntax} 형식으로 읽지 못했습니다. 파일 확장자(.jsonld와 .json은 "
            f"JSON-LD, .ttl은 Turtle)가 내용과 맞는지 확인하세요. rdflib의 오류: {detail}"
        ) from None

    roots = list(graph.subjects(RDF.type, DCAT.Catalog))
    if len(roots) != 1:
        raise CatalogError(
            f"DCAT 파일에는 dcat:Catalog가 하나 있어야 하는데 {len(roots)}개가 있습니다. "
            "`workbench catalog export`로 내보낸 파일을 주세요."
        )
    root = roots[0]
    data: dict[str, Any] = {"version": _value(graph, root, wb.catalogVersion) or 1}
    data["connections"] = {}
    for node in graph.objects(root, wb.connection):
        name = str(_value(graph, node, wb.name))
        connection = {"description": str(_value(graph, node, DCTERMS.description) or "")}
        if (url_env := _value(graph, node, wb.urlEnv)) is not None:
            connection["url_env"] = str(url_env)
        data["connections"][name] = connection
    nodes = sorted(graph.objects(root, DCAT.dataset), key=lambda n: _position(graph, n))
    data["datasets"] = dict(_dataset_fields(graph, node) for node in nodes)
    catalog = CatalogFile.model_validate(data)
    for name, entry in catalog.datasets.items():
        entry.name = name
    return catalog


def _position(graph: Graph, node: Node) -> tuple[int, str]:
    """Order as in catalog.yml (``wb:position``); a DCAT file of another tool: by IRI."""
    position = _value(graph, node, wb.position)
    return (position if isinstance(position, int) else 1 << 30, str(node))


def _value(graph: Graph, node: Node, term: Any) -> Any:
    found = graph.value(node, term)
    return None if found is None else found.toPython()


def _dataset_fields(graph: Graph, node: Node) -> tuple[str, dict[str, Any]]:
    name = _value(graph, node, DCTERMS.identifier)
    if name is None:
        raise CatalogError(
            f"DCAT 파일의 자료({node})에 이름(dct:identifier)이 없습니다. 자료마다 "
            "dct:identifier를 넣어 다시 내보낸 뒤 가져오세요."
        )
    fields: dict[str, Any] = {
        "title": _value(graph, node, DCTERMS.title),
        "description": str(_value(graph, node, DCTERMS.description) or ""),
        "sensitivity": _value(graph, node, wb.sensitivity) or "internal",
        "schema_strict": bool(_value(graph, node, wb.schemaStrict) or False),
        "update_cycle": str(_value(graph, node, wb.updateCycle) or _frequency(graph, node)),
        "keywords": sorted(str(k) for k in graph.objects(node, DCAT.keyword)),
    }
    publisher = graph.value(node, DCTERMS.publisher)
    fields["owner"] = None if publisher is None else _value(graph, publisher, FOAF.name)
    licence = graph.value(node, DCTERMS.license)
    fields["licence"] = "" if licence is None else str(_value(graph, licence, RDFS.label) or "")
    distribution = graph.value(node, DCAT.distribution)
    if distribution is not None:
        for field, term in _SOURCE_FIELDS.items():
            value = _value(graph, distribution, wb[term])
            if value is not None:
                fields[field] = value
    columns = []
    for column in graph.objects(node, wb.column):
        spec: dict[str, Any] = {
            "description": str(_value(graph, column, DCTERMS.description) or "")
        }
        for field, term in _COLUMN_FIELDS.items():
            value = _value(graph, column, wb[term])
            if value is not None:
                spec[field] = value
        if (allowed := _value(graph, column, wb.allowed)) is not None:
            spec["allowed"] = json.loads(allowed)
        position = _value(graph, column, wb.position)
        columns.append((position, str(_value(graph, column, wb.name)), spec))
    fields["columns"] = {
        name: spec for _, name, spec in sorted(columns, key=lambda c: (c[0] is None, c[0] or 0))
    }
    missing = [f for f in ("title", "owner", "source") if fields.get(f) is None]
    if missing:
        raise CatalogError(
            f"DCAT 파일의 자료 '{name}'에 {', '.join(missing)} 항목이 없습니다. 자료마다 "
            "catalog.yml에 필요한 항목을 넣어 다시 내보낸 뒤 가져오세요."
        )
    fields["title"], fields["owner"] = str(fields["title"]), str(fields["owner"])
    return str(name), fields


def _frequency(graph: Graph, node: Node) -> str:
    """Return the update cycle from dct:accrualPeriodicity (a DCAT file of another tool)."""
    frequency = graph.value(node, DCTERMS.accrualPeriodicity)
    if frequency is None:
        return ""
    code = str(frequency).rsplit("/", 1)[-1]
    return next((cycle for cycle, term in FREQUENCIES.items() if term == code), code)


def catalog_yaml(catalog: CatalogFile) -> str:
    """Write a catalog as ``catalog.yml`` text: defaults left out, field order kept."""
    import yaml

    data: dict[str, Any] = {"version": catalog.version, "datasets": {}}
    for name, entry in catalog.datasets.items():
        fields = entry.model_dump(exclude_defaults=True, exclude={"name", "catalog_file"})
        fields.setdefault("format", entry.format)
        data["datasets"][name] = fields
    if catalog.connections:
        data["connections"] = {
            name: connection.model_dump(exclude_defaults=True)
            for name, connection in catalog.connections.items()
        }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
