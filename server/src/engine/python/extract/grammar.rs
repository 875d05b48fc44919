//! The tree-sitter Python language and the node kind and field ids the walk compares against,
//! looked up once. A leaf.

use std::sync::OnceLock;

use tree_sitter::Language;

pub(super) fn language() -> &'static Language {
    static LANG: OnceLock<Language> = OnceLock::new();
    LANG.get_or_init(|| tree_sitter_python::LANGUAGE.into())
}

/// Node kind ids of the Python grammar.
pub(super) struct Kinds {
    pub(super) comment: u16,
    pub(super) string_content: u16,
    pub(super) call: u16,
    pub(super) argument_list: u16,
    pub(super) keyword_argument: u16,
    pub(super) dictionary: u16,
    pub(super) pair: u16,
    pub(super) dictionary_splat: u16,
    pub(super) list_splat: u16,
    pub(super) list: u16,
    pub(super) tuple: u16,
    pub(super) expression_list: u16,
    pub(super) set: u16,
    pub(super) subscript: u16,
    pub(super) attribute: u16,
    pub(super) identifier: u16,
    pub(super) string: u16,
    pub(super) concatenated_string: u16,
    pub(super) parenthesized_expression: u16,
    pub(super) assignment: u16,
    pub(super) augmented_assignment: u16,
    pub(super) expression_statement: u16,
    pub(super) import_statement: u16,
    pub(super) import_from_statement: u16,
    pub(super) future_import_statement: u16,
    pub(super) aliased_import: u16,
    pub(super) dotted_name: u16,
    pub(super) relative_import: u16,
    pub(super) import_prefix: u16,
    pub(super) wildcard_import: u16,
    pub(super) function_definition: u16,
    pub(super) class_definition: u16,
    pub(super) decorated_definition: u16,
    pub(super) pass_statement: u16,
    pub(super) comparison_operator: u16,
    pub(super) assert_statement: u16,
    pub(super) with_statement: u16,
    pub(super) except_clause: u16,
    pub(super) lambda: u16,
    pub(super) delete_statement: u16,
    pub(super) named_expression: u16,
    pub(super) for_statement: u16,
    pub(super) pattern_list: u16,
    pub(super) tuple_pattern: u16,
    pub(super) list_pattern: u16,
    pub(super) default_parameter: u16,
    pub(super) typed_parameter: u16,
    pub(super) typed_default_parameter: u16,
    pub(super) list_splat_pattern: u16,
    pub(super) dictionary_splat_pattern: u16,
    pub(super) true_: u16,
    pub(super) false_: u16,
    pub(super) none: u16,
    pub(super) comma: u16,
}

/// Field ids of the Python grammar (0 when absent, which never matches a real field).
pub(super) struct Fields {
    pub(super) left: u16,
    pub(super) right: u16,
    pub(super) body: u16,
    pub(super) value: u16,
    pub(super) name: u16,
    pub(super) function: u16,
    pub(super) arguments: u16,
    pub(super) key: u16,
    pub(super) object: u16,
    pub(super) attribute: u16,
    pub(super) alias: u16,
    pub(super) module_name: u16,
    pub(super) parameters: u16,
}

pub(super) struct Grammar {
    pub(super) k: Kinds,
    pub(super) f: Fields,
}

pub(super) fn grammar() -> &'static Grammar {
    static G: OnceLock<Grammar> = OnceLock::new();
    G.get_or_init(|| {
        let lang = language();
        let n = |s: &str| lang.id_for_node_kind(s, true);
        let a = |s: &str| lang.id_for_node_kind(s, false);
        let f = |s: &str| lang.field_id_for_name(s).map_or(0, |id| id.get());
        Grammar {
            k: Kinds {
                comment: n("comment"),
                string_content: n("string_content"),
                call: n("call"),
                argument_list: n("argument_list"),
                keyword_argument: n("keyword_argument"),
                dictionary: n("dictionary"),
                pair: n("pair"),
                dictionary_splat: n("dictionary_splat"),
                list_splat: n("list_splat"),
                list: n("list"),
                tuple: n("tuple"),
                expression_list: n("expression_list"),
                set: n("set"),
                subscript: n("subscript"),
                attribute: n("attribute"),
                identifier: n("identifier"),
                string: n("string"),
                concatenated_string: n("concatenated_string"),
                parenthesized_expression: n("parenthesized_expression"),
                assignment: n("assignment"),
                augmented_assignment: n("augmented_assignment"),
                expression_statement: n("expression_statement"),
                import_statement: n("import_statement"),
                import_from_statement: n("import_from_statement"),
                future_import_statement: n("future_import_statement"),
                aliased_import: n("aliased_import"),
                dotted_name: n("dotted_name"),
                relative_import: n("relative_import"),
                import_prefix: n("import_prefix"),
                wildcard_import: n("wildcard_import"),
                function_definition: n("function_definition"),
                class_definition: n("class_definition"),
                decorated_definition: n("decorated_definition"),
                pass_statement: n("pass_statement"),
                comparison_operator: n("comparison_operator"),
                assert_statement: n("assert_statement"),
                with_statement: n("with_statement"),
                except_clause: n("except_clause"),
                lambda: n("lambda"),
                delete_statement: n("delete_statement"),
                named_expression: n("named_expression"),
                for_statement: n("for_statement"),
                pattern_list: n("pattern_list"),
                tuple_pattern: n("tuple_pattern"),
                list_pattern: n("list_pattern"),
                default_parameter: n("default_parameter"),
                typed_parameter: n("typed_parameter"),
                typed_default_parameter: n("typed_default_parameter"),
                list_splat_pattern: n("list_splat_pattern"),
                dictionary_splat_pattern: n("dictionary_splat_pattern"),
                true_: n("true"),
                false_: n("false"),
                none: n("none"),
                comma: a(","),
            },
            f: Fields {
                left: f("left"),
                right: f("right"),
                body: f("body"),
                value: f("value"),
                name: f("name"),
                function: f("function"),
                arguments: f("arguments"),
                key: f("key"),
                object: f("object"),
                attribute: f("attribute"),
                alias: f("alias"),
                module_name: f("module_name"),
                parameters: f("parameters"),
            },
        }
    })
}
