"""template.yaml as plain data: a YAML loader that understands CloudFormation's short tags, and the few
intrinsic functions the local runtime evaluates (Ref, GetAtt, Sub, Join, Select, Split, If, conditions)."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import yaml

Template = dict[str, Any]

NO_VALUE: Any = object()  # what !Ref AWS::NoValue resolves to: the item is left out
_SUB_VARIABLE = re.compile(r"\$\{([^}]+)\}")


class TemplateError(Exception):
    """The template asks for something the local runtime cannot evaluate; the message names it."""


class _CloudFormationLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no types
    """Reads `!Ref X` as {"Ref": "X"}, `!GetAtt A.B` as {"Fn::GetAtt": ["A", "B"]}, `!Sub s` as
    {"Fn::Sub": s}: the JSON form CloudFormation itself works on."""


# CloudFormation reads an unquoted 2010-09-09 as a string; YAML would make it a date.
_CloudFormationLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_intrinsic(loader: _CloudFormationLoader, name: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if name in ("Ref", "Condition"):
        return {name: value}
    if name == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{name}": value}


_CloudFormationLoader.add_multi_constructor("!", _construct_intrinsic)


def load_template(path: str | Path) -> Template:
    """The template as the dicts CloudFormation sees (its JSON form), short tags expanded: a copy of its own
    for each caller, parsed once per version of the file (YAML parsing is the slow part of a moto world)."""
    resolved = Path(path).resolve()
    return copy.deepcopy(_parsed(resolved, resolved.stat().st_mtime_ns))


@lru_cache(maxsize=4)
def _parsed(path: Path, _version: int) -> Template:
    with path.open(encoding="utf-8") as stream:
        template = yaml.load(stream, Loader=_CloudFormationLoader)  # noqa: S506 (a SafeLoader subclass)
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise TemplateError(f"{path}: not a CloudFormation template (no Resources)")
    return template


def parameter_values(template: Template, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each parameter's Default (as CloudFormation passes it, a string), then the overrides."""
    values = {
        name: as_string(spec["Default"])
        for name, spec in template.get("Parameters", {}).items()
        if isinstance(spec, dict) and "Default" in spec
    }
    return values | dict(overrides or {})


def referenced_ids(value: Any) -> set[str]:
    """The logical ids and parameters a value refers to through Ref, GetAtt or Sub."""
    if isinstance(value, list):
        return set().union(*(referenced_ids(item) for item in value))
    if not isinstance(value, dict):
        return set()
    if "Ref" in value and isinstance(value["Ref"], str):
        return {value["Ref"]}
    if "Fn::GetAtt" in value:
        return {str(value["Fn::GetAtt"][0])}
    found = set().union(*(referenced_ids(item) for item in value.values()))
    if "Fn::Sub" in value:
        pattern = value["Fn::Sub"][0] if isinstance(value["Fn::Sub"], list) else value["Fn::Sub"]
        found |= {name.split(".", 1)[0] for name in _SUB_VARIABLE.findall(pattern) if not name.startswith("!")}
    return found


class References(Protocol):
    """What Ref and GetAtt of a resource give; LocalResources answers for the resources it created."""

    def ref(self, logical_id: str) -> str: ...

    def get_att(self, logical_id: str, attribute: str) -> str: ...


class Resolver:
    """Evaluates intrinsic functions against parameter values and resources that already exist."""

    def __init__(self, template: Template, parameters: Mapping[str, str], references: References) -> None:
        self._conditions: Mapping[str, Any] = template.get("Conditions", {})
        self._resources: Mapping[str, Any] = template.get("Resources", {})
        self._parameters = parameters
        self._references = references

    def resolve(self, value: Any) -> Any:
        """The value with every intrinsic function replaced by its result; NO_VALUE items dropped."""
        if isinstance(value, list):
            return [item for item in map(self.resolve, value) if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, argument), *_ = value.items()
            if key == "Ref":
                return self._ref(argument)
            if key.startswith("Fn::"):
                return self._function(key, argument)
        resolved = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            raise TemplateError(f"condition {name} is not defined in Conditions")
        return self._test(self._conditions[name])

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self._parameters:
            return self._parameters[name]
        if name not in self._resources:
            raise TemplateError(f"Ref {name}: no such parameter or resource")
        return self._references.ref(name)

    def _function(self, key: str, argument: Any) -> Any:
        if key == "Fn::GetAtt":
            logical_id, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
            return self._references.get_att(logical_id, attribute)
        if key == "Fn::Sub":
            return self._sub(argument)
        if key == "Fn::Join":
            delimiter, items = argument
            return delimiter.join(as_string(item) for item in self.resolve(items))
        if key == "Fn::Select":
            index, items = argument
            return self.resolve(items)[int(self.resolve(index))]
        if key == "Fn::Split":
            delimiter, text = argument
            return as_string(self.resolve(text)).split(delimiter)
        if key == "Fn::If":
            name, when_true, when_false = argument
            return self.resolve(when_true if self.condition(name) else when_false)
        raise TemplateError(f"{key} is not evaluated by the local runtime")

    def _sub(self, argument: str | list[Any]) -> str:
        pattern, variables = (argument, {}) if isinstance(argument, str) else argument

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):  # ${!Literal} is written out as ${Literal}
                return "${" + name[1:] + "}"
            if name in variables:
                return as_string(self.resolve(variables[name]))
            if "." in name and not name.startswith("AWS::"):
                return as_string(self._function("Fn::GetAtt", name))
            return as_string(self._ref(name))

        return _SUB_VARIABLE.sub(replace, pattern)

    def _test(self, expression: Any) -> bool:
        (key, argument), *_ = expression.items()
        if key == "Condition":
            return self.condition(argument)
        if key == "Fn::Equals":
            left, right = (as_string(self.resolve(item)) for item in argument)
            return left == right
        if key == "Fn::Not":
            return not self._test(argument[0])
        if key == "Fn::And":
            return all(self._test(item) for item in argument)
        if key == "Fn::Or":
            return any(self._test(item) for item in argument)
        raise TemplateError(f"{key} is not a condition function")


def as_string(value: Any) -> str:
    """A scalar as CloudFormation hands it over: booleans lower-case, lists comma-joined."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    if isinstance(value, list):
        return ",".join(as_string(item) for item in value)
    raise TemplateError(f"expected a scalar, got {value!r}")
