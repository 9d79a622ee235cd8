"""The catalog in DCAT 3: the sample catalog exports, rdflib reads it, and it comes back whole."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib import namespace as ns
from typer.testing import CliRunner

from workbench import cli
from workbench.catalog._catalog import SAMPLE_CATALOG
from workbench.catalog._dcat import WB, catalog_from_dcat, catalog_to_dcat, catalog_yaml
from workbench.catalog._model import load_catalog_file
from workbench.cli import app
from workbench.exceptions import CatalogError

SAMPLE = load_catalog_file(SAMPLE_CATALOG)
FREQ = "http://publications.europa.eu/resource/authority/frequency/"
SYNTAX = {"json-ld": "json-ld", "turtle": "turtle"}
wb = Namespace(WB)
# Not imported by name: pytest's collection would probe the namespaces' attributes.
DCAT, DCTERMS, FOAF = ns.DCAT, ns.DCTERMS, ns.FOAF


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    for console in (cli.out, cli.err):
        monkeypatch.setattr(console, "width", 200)


def entries(catalog) -> dict:
    """Every field of every dataset; keywords as a set (dcat:keyword has no order)."""
    dumped = catalog.model_dump()
    for fields in dumped["datasets"].values():
        fields["keywords"] = sorted(fields["keywords"])
    return dumped


@pytest.mark.parametrize("syntax", ["json-ld", "turtle"])
def test_the_sample_catalog_exports_as_dcat_3_that_rdflib_reads(syntax):
    graph = Graph().parse(data=catalog_to_dcat(SAMPLE, syntax), format=SYNTAX[syntax])
    [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
    datasets = set(graph.objects(catalog, DCAT.dataset))
    assert datasets == set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == len(SAMPLE.datasets) >= 14
    for node in datasets:
        name = str(graph.value(node, DCTERMS.identifier))
        entry = SAMPLE.datasets[name]
        publisher = graph.value(node, DCTERMS.publisher)
        assert (publisher, RDF.type, FOAF.Agent) in graph
        assert str(graph.value(publisher, FOAF.name)) == entry.owner
        distribution = graph.value(node, DCAT.distribution)
        assert (distribution, RDF.type, DCAT.Distribution) in graph
        assert str(graph.value(distribution, DCTERMS.format)) == entry.format
        assert str(graph.value(node, DCTERMS.title)) == entry.title
        assert (graph.value(node, DCTERMS.license) is not None) == bool(entry.licence)
    households = URIRef("https://kdba-workbench.example/catalog/dataset/households")
    assert graph.value(households, DCTERMS.accrualPeriodicity) == URIRef(FREQ + "ANNUAL")
    keywords = {str(k) for k in graph.objects(households, DCAT.keyword)}
    assert keywords == {"가구", "소득", "기초생활보장"}
    licence = graph.value(households, DCTERMS.license)
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in graph
    # The Korean extensions: sensitivity, and join keys with their code vintage.
    assert str(graph.value(households, wb.sensitivity)) == "personal"
    keys = {
        (str(graph.value(c, wb.key)), str(graph.value(c, wb.keyVintage)))
        for c in graph.objects(households, wb.column)
        if graph.value(c, wb.key) is not None
    }
    assert ("법정동코드", "2025-01-01") in keys
    complaints = URIRef("https://kdba-workbench.example/catalog/dataset/complaints")
    assert graph.value(complaints, DCTERMS.accrualPeriodicity) == URIRef(FREQ + "DAILY")


@pytest.mark.parametrize("syntax", ["json-ld", "turtle"])
def test_a_round_trip_keeps_every_field_of_every_entry(syntax, tmp_path):
    back = catalog_from_dcat(catalog_to_dcat(SAMPLE, syntax), syntax)
    assert list(back.datasets) == list(SAMPLE.datasets)
    original, returned = entries(SAMPLE), entries(back)
    for name in SAMPLE.datasets:
        assert returned["datasets"][name] == original["datasets"][name], name
        assert list(back.datasets[name].columns) == list(SAMPLE.datasets[name].columns)
    assert returned == original
    # ... and through catalog.yml text, as `workbench catalog import` writes it.
    (tmp_path / "catalog.yml").write_text(catalog_yaml(back), encoding="utf-8")
    assert entries(load_catalog_file(tmp_path / "catalog.yml")) == original


def test_the_export_is_the_same_bytes_every_time():
    assert catalog_to_dcat(SAMPLE, "json-ld") == catalog_to_dcat(SAMPLE, "json-ld")
    assert catalog_to_dcat(SAMPLE, "turtle") == catalog_to_dcat(SAMPLE, "turtle")


def test_a_dcat_file_of_another_tool_reads_its_frequency_and_names_what_is_missing():
    turtle = f"""
    @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    @prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix wb: <{WB}> .
    <https://data.example/c> a dcat:Catalog ; dcat:dataset <https://data.example/d> .
    <https://data.example/d> a dcat:Dataset ; dct:identifier "세입" ; dct:title "세입 현황"@ko ;
        dct:publisher [ foaf:name "종로구"@ko ] ;
        dct:accrualPeriodicity <{FREQ}MONTHLY> ;
        dcat:distribution [ wb:source "세입.csv" ] .
    """
    entry = catalog_from_dcat(turtle, "turtle").datasets["세입"]
    assert (entry.owner, entry.update_cycle, entry.format) == ("종로구", "월 1회", "csv")
    with pytest.raises(CatalogError, match=r"'세입'.*source"):
        catalog_from_dcat(turtle.replace('wb:source "세입.csv"', 'wb:table "x"'), "turtle")
    with pytest.raises(CatalogError, match="turtle"):
        catalog_from_dcat("this is not turtle {", "turtle")


def test_cli_exports_and_imports_and_never_overwrites_without_force(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    done = runner.invoke(app, ["catalog", "export", "--samples", "-o", "catalog.jsonld"])
    assert done.exit_code == 0, done.output
    assert "catalog.jsonld" in done.output
    turtle = runner.invoke(app, ["catalog", "export", "--samples", "--format", "dcat-turtle"])
    assert turtle.exit_code == 0 and "dcat:Dataset" in turtle.output
    Graph().parse(data=turtle.output, format="turtle")

    imported = runner.invoke(app, ["catalog", "import", "catalog.jsonld"])
    assert imported.exit_code == 0, imported.output
    assert entries(load_catalog_file(tmp_path / "catalog.yml")) == entries(SAMPLE)

    mine = "version: 1\ndatasets: {}\n# 직접 쓴 카탈로그\n"
    (tmp_path / "catalog.yml").write_text(mine, encoding="utf-8")
    refused = runner.invoke(app, ["catalog", "import", "catalog.jsonld"])
    assert refused.exit_code == 2
    assert "catalog.yml" in refused.output and "--force" in refused.output
    assert (tmp_path / "catalog.yml").read_text(encoding="utf-8") == mine
    forced = runner.invoke(app, ["catalog", "import", "catalog.jsonld", "--force"])
    assert forced.exit_code == 0
    assert (tmp_path / "catalog.yml").read_text(encoding="utf-8") != mine

    wrong = runner.invoke(app, ["catalog", "export", "--samples", "--format", "rdf"])
    assert wrong.exit_code == 2 and "dcat" in wrong.output
