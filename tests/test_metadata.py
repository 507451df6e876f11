"""The metadata is complete and consistent: every field defined once, used, described and documented."""

from __future__ import annotations

from yigai import metadata


def test_every_field_used_by_a_table_is_defined_and_every_defined_field_is_used():
    used = {f for spec in metadata.resources().values() for f in spec["fields"]}
    assert used == set(metadata.fields())


def test_every_field_has_description_type_and_chinese_term():
    for name, spec in metadata.fields().items():
        assert spec["type"] in {"string", "integer", "number", "boolean", "date"}, name
        assert spec["description"].strip() and spec.get("zh"), name


def test_every_enum_value_is_documented():
    for name, spec in metadata.fields().items():
        enum = spec.get("constraints", {}).get("enum")
        if enum:
            assert set(spec.get("enum_doc", {})) == set(enum), name


def test_keys_refer_to_existing_tables_and_columns():
    for table, spec in metadata.resources().items():
        assert set(spec["primary_key"]) <= set(spec["fields"]), table
        for fk in spec.get("foreign_keys", []):
            assert set(fk["fields"]) <= set(spec["fields"]), table
            assert set(fk["reference"]) <= set(metadata.columns(fk["resource"])), table


def test_data_dictionary_lists_every_field_with_its_chinese_term():
    text = metadata.data_dictionary_markdown()
    for name, spec in metadata.fields().items():
        assert f"`{name}`" in text and spec["zh"] in text


def test_a_tables_optional_override_drops_required_there_only():
    for table, spec in metadata.resources().items():
        for name, why in (spec.get("optional") or {}).items():
            assert name in spec["fields"] and why.strip(), (table, name)
            schema = {f["name"]: f for f in metadata.table_schema(table)["fields"]}[name]
            assert "required" not in schema.get("constraints", {}) and schema["description"].endswith(why)
            assert metadata.fields()[name]["constraints"].get("required"), "override of a field that is optional anyway"
    # targets may have no task; every other table keeps task_id required
    assert "required" not in metadata.field_spec("targets", "task_id")["constraints"]
    assert metadata.field_spec("responsibilities", "task_id")["constraints"]["required"] is True
