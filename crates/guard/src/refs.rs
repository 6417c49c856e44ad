//! What one module's code names, read from its syntax tree: its `use` declarations, every path
//! in its code (types, expressions, patterns, bounds), the paths inside macro calls (read from
//! their tokens: `format!("{}", crate::a::f())` names `crate::a`; a string literal is one token
//! and names nothing), the functions it calls, and its structs' field types.

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// One name a `use` brings in: `use crate::a::B as C;` is path `crate::a::B`, name `C`.
#[derive(Debug, Clone)]
pub struct Use {
    pub path: Vec<String>,
    pub name: String,
    /// `pub`, `pub(crate)`, `pub(super)`: the module presents the name to others.
    pub public: bool,
    pub glob: bool,
}

/// A call of a function by path, with the line it is on.
#[derive(Debug, Clone)]
pub struct Call {
    pub path: Vec<String>,
    pub line: usize,
}

/// A struct field's type, as the paths it names.
#[derive(Debug, Clone)]
pub struct Field {
    pub owner: String,
    pub name: String,
    pub types: Vec<Vec<String>>,
    pub line: usize,
}

/// Everything one module's code names.
#[derive(Debug, Default)]
pub struct Refs {
    pub uses: Vec<Use>,
    pub paths: Vec<Vec<String>>,
    pub calls: Vec<Call>,
    pub fields: Vec<Field>,
}

impl Refs {
    /// The references in `items` (a module's own items; inline child modules are not entered).
    pub fn of(items: &[syn::Item]) -> Refs {
        let mut v = Collector::default();
        for item in items {
            match item {
                syn::Item::Use(u) => {
                    let public = !matches!(u.vis, syn::Visibility::Inherited);
                    flatten(&u.tree, &mut Vec::new(), public, &mut v.refs.uses);
                }
                syn::Item::Mod(_) => {}
                other => v.visit_item(other),
            }
        }
        v.refs
    }
}

#[derive(Default)]
struct Collector {
    refs: Refs,
    in_struct: Option<String>,
}

fn segments(p: &syn::Path) -> Vec<String> {
    p.segments.iter().map(|s| s.ident.to_string()).collect()
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_mod(&mut self, _: &'ast syn::ItemMod) {}

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        // A `use` inside a function body: a private import, a reference all the same.
        flatten(&u.tree, &mut Vec::new(), false, &mut self.refs.uses);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !crate::tree::is_test(&f.attrs) {
            syn::visit::visit_item_fn(self, f);
        }
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !crate::tree::is_test(&f.attrs) {
            syn::visit::visit_impl_item_fn(self, f);
        }
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        let outer = self.in_struct.replace(s.ident.to_string());
        syn::visit::visit_item_struct(self, s);
        self.in_struct = outer;
    }

    fn visit_field(&mut self, f: &'ast syn::Field) {
        if let Some(owner) = &self.in_struct {
            let mut types = TypePaths::default();
            types.visit_type(&f.ty);
            let name = f
                .ident
                .as_ref()
                .map_or_else(String::new, ToString::to_string);
            self.refs.fields.push(Field {
                owner: owner.clone(),
                name,
                types: types.0,
                line: f.ident.as_ref().map_or(0, |i| i.span().start().line),
            });
        }
        syn::visit::visit_field(self, f);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.refs.paths.push(segments(p));
        syn::visit::visit_path(self, p);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*c.func {
            self.refs.calls.push(Call {
                path: segments(&p.path),
                line: p
                    .path
                    .segments
                    .first()
                    .map_or(0, |s| s.ident.span().start().line),
            });
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_path(&m.path);
        chains(m.tokens.clone(), &mut self.refs);
    }
}

#[derive(Default)]
struct TypePaths(Vec<Vec<String>>);

impl<'ast> Visit<'ast> for TypePaths {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.0.push(segments(p));
        syn::visit::visit_path(self, p);
    }
}

/// Every `a::b::c` chain in a macro's tokens (at any depth) is a path; one followed by a
/// parenthesised group is also a call.
fn chains(tokens: TokenStream, refs: &mut Refs) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tts.len() {
        match &tts[i] {
            TokenTree::Group(g) => {
                chains(g.stream(), refs);
                i += 1;
            }
            TokenTree::Ident(first) => {
                let line = first.span().start().line;
                let mut path = vec![first.to_string()];
                let mut j = i + 1;
                while let (
                    Some(TokenTree::Punct(a)),
                    Some(TokenTree::Punct(b)),
                    Some(TokenTree::Ident(next)),
                ) = (tts.get(j), tts.get(j + 1), tts.get(j + 2))
                {
                    if a.as_char() != ':' || b.as_char() != ':' {
                        break;
                    }
                    path.push(next.to_string());
                    j += 3;
                }
                let called = matches!(tts.get(j), Some(TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Parenthesis);
                if path.len() > 1 || called {
                    if called {
                        refs.calls.push(Call {
                            path: path.clone(),
                            line,
                        });
                    }
                    refs.paths.push(path);
                }
                i = j;
            }
            _ => i += 1,
        }
    }
}

fn flatten(tree: &syn::UseTree, prefix: &mut Vec<String>, public: bool, out: &mut Vec<Use>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten(&p.tree, prefix, public, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            let mut path = prefix.clone();
            let shown = if name == "self" {
                prefix.last().cloned().unwrap_or_default()
            } else {
                path.push(name.clone());
                name
            };
            out.push(Use {
                path,
                name: shown,
                public,
                glob: false,
            });
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            if r.ident != "self" {
                path.push(r.ident.to_string());
            }
            out.push(Use {
                path,
                name: r.rename.to_string(),
                public,
                glob: false,
            });
        }
        syn::UseTree::Glob(_) => out.push(Use {
            path: prefix.clone(),
            name: String::new(),
            public,
            glob: true,
        }),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                flatten(t, prefix, public, out);
            }
        }
    }
}
