//! A small static evaluator over the Python syntax tree: it follows name
//! bindings, constants, simple arithmetic, literal loops and the Keras calls
//! that build models, without executing anything.
//!
//! Values it cannot know (a function's argument, `input()`, a computed
//! value) are [`Val::Unknown`]; they are lowered to
//! [`crate::tree::Value::Unknown`] so the Keras front end treats them as
//! unknown, never as absent (an unknown `activation` never becomes Keras's
//! default `linear`).

use std::collections::HashMap;

use tree_sitter::Node as Ts;

use super::names::{self, Kind};
use crate::ir::catalog;
use crate::source::Span;
use crate::tree::{Entry, Node, Number, Str, Value};

/// Iterations of one literal loop that are unrolled; a longer loop is read
/// as a loop over values not known.
pub const MAX_UNROLL: usize = 256;
/// Syntax nodes evaluated per file at most (loops unrolled included): past
/// it, the rest of the file is not read.
pub const MAX_STEPS: usize = 2_000_000;
/// Nesting of expressions and blocks followed at most.
const MAX_DEPTH: usize = 128;

/// A tensor: output `index` of call `node` of a layer.
#[derive(Clone, Copy, Debug)]
pub struct Tensor {
    pub layer: usize,
    pub node: usize,
    pub index: usize,
}

#[derive(Clone, Debug)]
pub enum Val {
    /// A literal value (string, number, bool, None, lists and dicts of them).
    Data(Node),
    /// Not known statically.
    Unknown(Span),
    /// A module, class or function, by its canonical path.
    Path(String, Span),
    /// An instantiated Keras object (initializer, loss, ...): `{class_name, config}`.
    Obj(Node),
    Layer(usize),
    Tensor(Tensor),
    Model(usize),
    /// A list or tuple holding something that is not plain data.
    Seq(Vec<Val>, Span),
    /// A dict whose values are not all plain data.
    Dict(Vec<(Str, Span, Val)>, Span),
    /// A function defined in the file.
    Func(usize),
    /// `self` inside a subclassed model: its attributes.
    Instance(usize),
    /// A subclassed model class of the file: calling it makes its model.
    Class(usize),
}

impl Val {
    fn span(&self, ctx: &Ctx<'_>) -> Span {
        match self {
            Val::Data(n) | Val::Obj(n) => n.span,
            Val::Unknown(s) | Val::Path(_, s) | Val::Seq(_, s) | Val::Dict(_, s) => *s,
            Val::Layer(id) => ctx.layers[*id].span,
            Val::Tensor(t) => ctx.layers[t.layer].span,
            Val::Model(id) => ctx.models[*id].span,
            Val::Func(_) | Val::Instance(_) | Val::Class(_) => Span::default(),
        }
    }
}

/// One constructor argument as lowered.
#[derive(Clone, Debug)]
pub struct Arg {
    pub entry: Entry,
    /// Given positionally (its key is the catalog's parameter name).
    pub positional: bool,
}

/// A layer constructed in the file (or a placeholder for something that
/// acts as one but is not known: a custom class, an op on tensors).
#[derive(Clone, Debug)]
pub struct LayerObj {
    pub class: String,
    pub class_span: Span,
    /// The constructor call.
    pub span: Span,
    pub config_span: Span,
    pub args: Vec<Arg>,
    /// Opaque: a user's class, a model used as a layer, an op on tensors.
    pub custom: bool,
    /// The explicit `name=` (with its span).
    pub name: Option<(String, Span)>,
    /// The tensors each call took.
    pub calls: Vec<Vec<Tensor>>,
    /// A model of the file called as a layer (`classifier(x)`).
    pub nested: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct ModelObj {
    pub functional: bool,
    pub span: Span,
    pub class_span: Span,
    pub name: Option<Node>,
    /// Sequential: the layers in order.
    pub layers: Vec<Val>,
    /// Functional: inputs and outputs as given.
    pub inputs: Option<Val>,
    pub outputs: Option<Val>,
    pub compile: Option<Vec<Entry>>,
    /// Why the model cannot be read fully (a layer added conditionally).
    pub partial: Option<&'static str>,
    /// The conditional depth it was created at.
    pub cond: usize,
}

struct FuncObj<'t> {
    def: Ts<'t>,
    /// What a call returns when the function is read once, with its
    /// defaults (it is never called in the file).
    ret: Option<Val>,
}

/// Calls of functions of the file inlined into each other at most.
const MAX_INLINE: usize = 8;

type Scope = HashMap<String, (Val, u64)>;

pub struct Ctx<'t> {
    text: &'t str,
    scopes: Vec<Scope>,
    pub layers: Vec<LayerObj>,
    pub models: Vec<ModelObj>,
    funcs: Vec<FuncObj<'t>>,
    /// The conditional depth at the entry of the function being read.
    fn_base: usize,
    /// A `return` ended the function being read.
    returned: bool,
    /// Function calls being inlined.
    inline_depth: usize,
    /// Module-level functions never called, read after the module.
    pending: Vec<usize>,
    /// The attributes of `self` of each subclassed model read.
    instances: Vec<HashMap<String, Val>>,
    stars: Vec<String>,
    steps: usize,
    cond: usize,
    gen: u64,
    depth: usize,
    /// Return values seen in the function bodies being evaluated.
    returns: Vec<Vec<Val>>,
    /// A Keras 1 key (`output_dim`, `init`, ...) was written somewhere.
    pub keras1: bool,
    /// The names functions are called by somewhere in the file.
    called: std::collections::HashSet<String>,
    /// The evaluation stopped at the step budget.
    pub exhausted: bool,
}

/// The built-in functions the evaluator knows (when their arguments are known).
const BUILTINS: &[&str] = &[
    "range",
    "len",
    "list",
    "tuple",
    "enumerate",
    "zip",
    "int",
    "float",
    "str",
];

fn span_of(n: Ts<'_>) -> Span {
    Span::new(n.start_byte(), n.end_byte())
}

fn data(value: Value, span: Span) -> Val {
    Val::Data(Node::new(value, span))
}

fn number(value: f64, int: Option<i64>, span: Span) -> Val {
    data(Value::Number(Number { value, int }), span)
}

fn named_children<'a>(n: Ts<'a>) -> Vec<Ts<'a>> {
    let mut cursor = n.walk();
    n.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

impl<'t> Ctx<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut module = Scope::new();
        module.insert(
            "__name__".into(),
            (data(Value::String("__main__".into()), Span::default()), 0),
        );
        Ctx {
            text,
            scopes: vec![module],
            layers: Vec::new(),
            models: Vec::new(),
            funcs: Vec::new(),
            stars: Vec::new(),
            steps: 0,
            cond: 0,
            gen: 1,
            depth: 0,
            returns: Vec::new(),
            keras1: false,
            exhausted: false,
            called: Default::default(),
            fn_base: 0,
            returned: false,
            inline_depth: 0,
            pending: Vec::new(),
            instances: Vec::new(),
        }
    }

    /// Notes the names functions are called by anywhere in the file.
    fn prescan(&mut self, root: Ts<'t>) {
        let mut cursor = root.walk();
        let mut visited = 0usize;
        loop {
            let node = cursor.node();
            visited += 1;
            if visited > MAX_STEPS {
                return;
            }
            if node.kind() == "call" {
                let name = node
                    .child_by_field_name("function")
                    .map(|f| match f.kind() {
                        "attribute" => f
                            .child_by_field_name("attribute")
                            .map_or("", |a| self.text_of(a)),
                        _ => self.text_of(f),
                    });
                if let Some(name) = name {
                    self.called.insert(name.to_string());
                }
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }

    fn text_of(&self, n: Ts<'t>) -> &'t str {
        &self.text[n.start_byte()..n.end_byte()]
    }

    /// Counts `n` units of work against the step budget.
    fn charge(&mut self, n: usize) {
        self.steps = self.steps.saturating_add(n);
        if self.steps > MAX_STEPS {
            self.exhausted = true;
        }
    }

    fn step(&mut self) -> bool {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            self.exhausted = true;
        }
        !self.exhausted
    }

    // ----- scopes -----

    fn bind(&mut self, name: &str, val: Val) {
        self.gen += 1;
        let g = self.gen;
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.to_string(), (val, g));
        }
    }

    fn lookup(&self, name: &str) -> Option<&Val> {
        let local = self.scopes.last().and_then(|s| s.get(name));
        local
            .or_else(|| self.scopes.first().and_then(|s| s.get(name)))
            .map(|(v, _)| v)
    }

    // ----- statements -----

    pub fn block(&mut self, n: Ts<'t>) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        for stmt in named_children(n) {
            if !self.step() || self.returned {
                break;
            }
            self.statement(stmt);
        }
        self.depth -= 1;
    }

    /// One statement; true when it ends the block (`return`).
    fn statement(&mut self, n: Ts<'t>) -> bool {
        match n.kind() {
            "expression_statement" => {
                for c in named_children(n) {
                    self.expr_statement(c);
                }
            }
            "import_statement" => self.import(n),
            "import_from_statement" => self.import_from(n),
            "function_definition" => self.function(n),
            "decorated_definition" => {
                if let Some(d) = n.child_by_field_name("definition") {
                    self.statement(d);
                }
            }
            "class_definition" => self.class(n),
            "if_statement" => self.if_statement(n),
            "for_statement" => self.for_statement(n),
            "while_statement" => {
                let branches: Vec<Ts<'t>> = [n.child_by_field_name("body")]
                    .into_iter()
                    .flatten()
                    .chain(n.child_by_field_name("alternative"))
                    .collect();
                self.branches(&branches, true);
            }
            "with_statement" => {
                if let Some(body) = n.child_by_field_name("body") {
                    self.block(body);
                }
            }
            "try_statement" => {
                if let Some(body) = n.child_by_field_name("body") {
                    self.block(body);
                }
                let mut handlers = Vec::new();
                for c in named_children(n) {
                    match c.kind() {
                        "except_clause" | "except_group_clause" | "else_clause" => handlers.push(c),
                        "finally_clause" => {}
                        _ => {}
                    }
                }
                self.branches(&handlers, true);
                for c in named_children(n) {
                    if c.kind() == "finally_clause" {
                        self.block_of(c);
                    }
                }
            }
            "return_statement" => {
                let val = match named_children(n).first() {
                    Some(e) => self.expr(*e),
                    None => data(Value::Null, span_of(n)),
                };
                if let Some(r) = self.returns.last_mut() {
                    r.push(val);
                    // Unconditionally reached: the function ends here.
                    self.returned = self.cond == self.fn_base;
                }
            }
            "global_statement"
            | "nonlocal_statement"
            | "pass_statement"
            | "break_statement"
            | "continue_statement"
            | "future_import_statement"
            | "print_statement"
            | "assert_statement"
            | "delete_statement"
            | "raise_statement"
            | "exec_statement"
            | "type_alias_statement" => {}
            "block" => self.block(n),
            "match_statement" => {
                let mut cases = Vec::new();
                if let Some(body) = n.child_by_field_name("body") {
                    cases.extend(named_children(body));
                }
                self.branches(&cases, false);
            }
            _ => {}
        }
        false
    }

    /// The block inside a clause (`else:`, `finally:`).
    fn block_of(&mut self, clause: Ts<'t>) {
        if let Some(body) = clause.child_by_field_name("body").or_else(|| {
            named_children(clause)
                .into_iter()
                .find(|c| c.kind() == "block")
        }) {
            self.block(body);
        }
    }

    fn expr_statement(&mut self, n: Ts<'t>) {
        match n.kind() {
            "assignment" => {
                self.assignment(n);
            }
            "augmented_assignment" => {
                let (Some(left), Some(right)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) else {
                    return;
                };
                let op = n
                    .child_by_field_name("operator")
                    .map(|o| self.text_of(o).trim_end_matches('='))
                    .unwrap_or("");
                let l = self.expr(left);
                let r = self.expr(right);
                let v = self.binary(op, l, r, span_of(n));
                self.assign(left, v);
            }
            _ => {
                self.expr(n);
            }
        }
    }

    fn assignment(&mut self, n: Ts<'t>) -> Val {
        let Some(left) = n.child_by_field_name("left") else {
            return Val::Unknown(span_of(n));
        };
        let val = match n.child_by_field_name("right") {
            Some(r) if r.kind() == "assignment" => self.assignment(r),
            Some(r) => self.expr(r),
            // `x: int` declares without a value.
            None => return Val::Unknown(span_of(n)),
        };
        self.assign(left, val.clone());
        val
    }

    /// Binds a target (a name, a tuple of names) to a value.
    fn assign(&mut self, target: Ts<'t>, val: Val) {
        match target.kind() {
            "identifier" => {
                let name = self.text_of(target);
                self.bind(name, val);
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "expression_list" | "tuple"
            | "list" => {
                let targets = named_children(target);
                let starred = targets.iter().any(|t| t.kind() == "list_splat_pattern");
                let items: Option<Vec<Val>> = match &val {
                    Val::Data(node) => node
                        .as_array()
                        .map(|items| items.iter().cloned().map(Val::Data).collect()),
                    Val::Seq(items, _) => Some(items.clone()),
                    Val::Tensor(t) => Some(
                        (0..targets.len())
                            .map(|i| Val::Tensor(Tensor { index: i, ..*t }))
                            .collect(),
                    ),
                    _ => None,
                };
                match items {
                    Some(items) if !starred && items.len() == targets.len() => {
                        for (t, v) in targets.iter().zip(items) {
                            self.assign(*t, v);
                        }
                    }
                    _ => {
                        for t in targets {
                            let span = span_of(t);
                            self.assign(t, Val::Unknown(span));
                        }
                    }
                }
            }
            "list_splat_pattern" => {
                for t in named_children(target) {
                    let span = span_of(t);
                    self.assign(t, Val::Unknown(span));
                }
            }
            "parenthesized_expression" => {
                if let Some(inner) = named_children(target).first() {
                    self.assign(*inner, val);
                }
            }
            // `self.x = ...`, `d[k] = ...`: not followed; an attribute
            // assignment on a layer (`layer.trainable = False`) is kept.
            "attribute" => {
                let (Some(obj), Some(attr)) = (
                    target.child_by_field_name("object"),
                    target.child_by_field_name("attribute"),
                ) else {
                    return;
                };
                // `model.layers[-1].activation = ...`, `model.trainable =
                // False`: the model is changed in a way not followed.
                if let Some(Val::Model(m)) = self.root_binding(obj) {
                    self.models[m].partial =
                        Some("an attribute of the model or of its `layers` is assigned");
                    return;
                }
                if obj.kind() == "identifier" {
                    match self.lookup(self.text_of(obj)).cloned() {
                        Some(Val::Layer(id)) => {
                            let key = self.text_of(attr);
                            let node = self.to_node(&val, span_of(target));
                            set_arg(&mut self.layers[id].args, key, span_of(attr), node, false);
                        }
                        // `self.dense = layers.Dense(10)` in a model's `__init__`.
                        Some(Val::Instance(i)) => {
                            let key = self.text_of(attr).to_string();
                            self.instances[i].insert(key, val);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// The value of the name an attribute or subscript chain starts from
    /// (`model` in `model.layers[-1].activation`).
    fn root_binding(&self, mut n: Ts<'t>) -> Option<Val> {
        for _ in 0..64 {
            match n.kind() {
                "identifier" => return self.lookup(self.text_of(n)).cloned(),
                "attribute" => n = n.child_by_field_name("object")?,
                "subscript" => n = n.child_by_field_name("value")?,
                _ => return None,
            }
        }
        None
    }

    fn import(&mut self, n: Ts<'t>) {
        let mut cursor = n.walk();
        let names: Vec<Ts<'t>> = n.children_by_field_name("name", &mut cursor).collect();
        for name in names {
            match name.kind() {
                "dotted_name" => {
                    // `import tensorflow.keras` binds `tensorflow`.
                    let full = self.text_of(name);
                    let first = full.split('.').next().unwrap_or(full).trim();
                    self.bind(first, Val::Path(names::canonical(first), span_of(name)));
                }
                "aliased_import" => {
                    let (Some(path), Some(alias)) = (
                        name.child_by_field_name("name"),
                        name.child_by_field_name("alias"),
                    ) else {
                        continue;
                    };
                    let p = names::canonical(&compact(self.text_of(path)));
                    self.bind(self.text_of(alias), Val::Path(p, span_of(name)));
                }
                _ => {}
            }
        }
    }

    fn import_from(&mut self, n: Ts<'t>) {
        let Some(module) = n.child_by_field_name("module_name") else {
            return;
        };
        let relative = module.kind() == "relative_import";
        let base = names::canonical(&compact(self.text_of(module)));
        let mut cursor = n.walk();
        let names_: Vec<Ts<'t>> = n.children_by_field_name("name", &mut cursor).collect();
        for name in names_ {
            let (path, alias) = match name.kind() {
                "dotted_name" => (name, name),
                "aliased_import" => match (
                    name.child_by_field_name("name"),
                    name.child_by_field_name("alias"),
                ) {
                    (Some(p), Some(a)) => (p, a),
                    _ => continue,
                },
                _ => continue,
            };
            let bound = self.text_of(alias).to_string();
            let val = if relative {
                Val::Unknown(span_of(name))
            } else {
                let full = format!("{base}.{}", compact(self.text_of(path)));
                Val::Path(names::canonical(&full), span_of(name))
            };
            self.bind(&bound, val);
        }
        if !relative
            && named_children(n)
                .iter()
                .any(|c| c.kind() == "wildcard_import")
            && names::is_keras(&base)
        {
            self.stars.push(base);
        }
    }

    /// A function definition. A function called in the file is read at
    /// each call, with the call's arguments (inlined); one never called is
    /// read once, with its defaults and its other parameters unknown, as
    /// `VGG16()` would run it.
    fn function(&mut self, n: Ts<'t>) {
        let Some(name) = n.child_by_field_name("name") else {
            return;
        };
        let id = self.funcs.len();
        self.funcs.push(FuncObj { def: n, ret: None });
        let fname = self.text_of(name).to_string();
        self.bind(&fname, Val::Func(id));
        if !self.called.contains(&fname) {
            if self.scopes.len() == 1 {
                // At module level it runs after the module's definitions.
                self.pending.push(id);
            } else {
                self.read_uncalled(id);
            }
        }
    }

    /// A class. A subclass of `keras.Model` is read as the model its
    /// `call` builds from the layers its `__init__` sets on `self`, called
    /// on one input; other classes are unknown.
    fn class(&mut self, n: Ts<'t>) {
        let Some(name) = n.child_by_field_name("name") else {
            return;
        };
        let cname = self.text_of(name).to_string();
        let name_span = span_of(name);
        let is_model = n.child_by_field_name("superclasses").is_some_and(|s| {
            named_children(s)
                .into_iter()
                .any(|b| matches!(self.expr(b), Val::Path(p, _) if names::kind(&p) == Kind::Model))
        });
        let body = n.child_by_field_name("body");
        let (Some(body), true) = (body, is_model) else {
            self.bind(&cname, Val::Unknown(name_span));
            return;
        };
        // The methods, by name.
        let mut init = None;
        let mut call = None;
        for stmt in named_children(body) {
            let def = match stmt.kind() {
                "decorated_definition" => stmt.child_by_field_name("definition"),
                "function_definition" => Some(stmt),
                _ => None,
            };
            let Some(def) = def else { continue };
            match def.child_by_field_name("name").map(|m| self.text_of(m)) {
                Some("__init__") => init = Some(def),
                Some("call") => call = Some(def),
                _ => {}
            }
        }
        let instance = self.instances.len();
        self.instances.push(HashMap::new());
        let this = Val::Instance(instance);
        let model_id = self.models.len();
        let mut model = ModelObj {
            functional: true,
            span: span_of(n),
            class_span: name_span,
            name: None,
            layers: Vec::new(),
            inputs: None,
            outputs: None,
            compile: None,
            partial: None,
            cond: self.cond,
        };
        self.cond += 1;
        // The input `call` is read on (first, as Keras lists it).
        let input = call.map(|call| {
            let input_span = call.child_by_field_name("name").map_or(name_span, span_of);
            let input = self.new_layer(
                "InputLayer",
                input_span,
                input_span,
                input_span,
                &Args::default(),
            );
            Val::Tensor(Tensor {
                layer: input,
                node: 0,
                index: 0,
            })
        });
        if let Some(init) = init {
            let id = self.funcs.len();
            self.funcs.push(FuncObj {
                def: init,
                ret: None,
            });
            let args = Args {
                positional: vec![this.clone()],
                keywords: Vec::new(),
                opaque: false,
            };
            self.invoke(id, Some(&args));
        }
        match call.zip(input) {
            Some((call, tensor)) => {
                let params = call
                    .child_by_field_name("parameters")
                    .map_or(0, |p| p.named_child_count());
                let id = self.funcs.len();
                self.funcs.push(FuncObj {
                    def: call,
                    ret: None,
                });
                let args = Args {
                    positional: vec![this, tensor.clone()],
                    keywords: Vec::new(),
                    opaque: false,
                };
                let ret = if params >= 2 {
                    self.invoke(id, Some(&args))
                } else {
                    None
                };
                match ret {
                    Some(out) if has_tensor(&out) => {
                        model.inputs = Some(tensor);
                        model.outputs = Some(out);
                    }
                    _ => {
                        model.partial =
                            Some("its `call` does not return tensors built from its layers")
                    }
                }
            }
            None => model.partial = Some("the subclassed model has no `call` method"),
        }
        self.cond -= 1;
        self.models.push(model);
        self.bind(&cname, Val::Class(model_id));
    }

    /// Reads a function never called in the file, once, with its defaults.
    fn read_uncalled(&mut self, id: usize) {
        // It may never run: what it changes outside is conditional.
        self.cond += 1;
        let ret = self.invoke(id, None);
        self.cond -= 1;
        self.funcs[id].ret = ret;
    }

    /// Reads the module, then the module-level functions it never calls.
    pub fn module(&mut self, root: Ts<'t>) {
        self.prescan(root);
        self.block(root);
        for id in std::mem::take(&mut self.pending) {
            self.read_uncalled(id);
        }
    }

    /// Reads a function's body with its parameters bound to the call's
    /// arguments (`None`: to their defaults); what it returns when that is
    /// one value.
    fn invoke(&mut self, id: usize, args: Option<&Args>) -> Option<Val> {
        if self.inline_depth >= MAX_INLINE || self.exhausted {
            return None;
        }
        let n = self.funcs[id].def;
        let body = n.child_by_field_name("body")?;
        let mut scope = Scope::new();
        let mut position = 0;
        let mut keyword_only = false;
        if let Some(params) = n.child_by_field_name("parameters") {
            for p in named_children(params) {
                match p.kind() {
                    "keyword_separator" => {
                        keyword_only = true;
                        continue;
                    }
                    "positional_separator" => continue,
                    "list_splat_pattern" | "dictionary_splat_pattern" => {
                        keyword_only = true;
                        for i in named_children(p) {
                            scope
                                .insert(self.text_of(i).to_string(), (Val::Unknown(span_of(i)), 0));
                        }
                        continue;
                    }
                    _ => {}
                }
                let ident = match p.kind() {
                    "identifier" => Some(p),
                    _ => p.child_by_field_name("name").or_else(|| {
                        named_children(p)
                            .into_iter()
                            .find(|c| c.kind() == "identifier")
                    }),
                };
                let Some(ident) = ident else {
                    continue;
                };
                let pname = self.text_of(ident).to_string();
                let given = args.and_then(|a| {
                    a.keywords
                        .iter()
                        .rev()
                        .find(|(k, _, _)| *k == pname)
                        .map(|(_, _, v)| v.clone())
                        .or_else(|| {
                            (!keyword_only)
                                .then(|| a.positional.get(position).cloned())
                                .flatten()
                        })
                });
                if !keyword_only {
                    position += 1;
                }
                let opaque = args.is_some_and(|a| a.opaque);
                let default = match p.kind() {
                    "default_parameter" | "typed_default_parameter" => {
                        p.child_by_field_name("value")
                    }
                    _ => None,
                };
                let val = match (given, default) {
                    (Some(v), _) => v,
                    (None, Some(d)) if !opaque => self.expr(d),
                    _ => Val::Unknown(span_of(ident)),
                };
                scope.insert(pname, (val, 0));
            }
        }
        self.scopes.push(scope);
        self.returns.push(Vec::new());
        let base = std::mem::replace(&mut self.fn_base, self.cond);
        self.inline_depth += 1;
        self.block(body);
        self.inline_depth -= 1;
        self.fn_base = base;
        self.returned = false;
        let returns = self.returns.pop().unwrap_or_default();
        self.scopes.pop();
        match returns.len() {
            1 => returns.into_iter().next(),
            // Tensors returned on different paths: an opaque join of them.
            n if n > 1 && returns.iter().all(|r| matches!(r, Val::Tensor(_))) => {
                let span = returns[0].span(self);
                Some(self.op(&returns, span))
            }
            _ => None,
        }
    }

    fn if_statement(&mut self, n: Ts<'t>) {
        // (condition, body) pairs, then the `else` body.
        let mut arms: Vec<(Option<Ts<'t>>, Ts<'t>)> = Vec::new();
        if let Some(body) = n.child_by_field_name("consequence") {
            arms.push((n.child_by_field_name("condition"), body));
        }
        let mut has_else = false;
        let mut cursor = n.walk();
        let alternatives: Vec<Ts<'t>> = n
            .children_by_field_name("alternative", &mut cursor)
            .collect();
        for alt in alternatives {
            match alt.kind() {
                "elif_clause" => {
                    if let Some(body) = alt.child_by_field_name("consequence") {
                        arms.push((alt.child_by_field_name("condition"), body));
                    }
                }
                "else_clause" => {
                    if let Some(body) = alt.child_by_field_name("body") {
                        arms.push((None, body));
                        has_else = true;
                    }
                }
                _ => {}
            }
        }
        // Conditions known statically pick their arm.
        let mut unknown_from = None;
        for (i, (cond, body)) in arms.iter().enumerate() {
            let Some(c) = cond else {
                self.block(*body);
                return;
            };
            let v = self.expr(*c);
            match self.truth(&v) {
                Some(true) => {
                    self.block(*body);
                    return;
                }
                Some(false) => continue,
                None => {
                    unknown_from = Some(i);
                    break;
                }
            }
        }
        let Some(from) = unknown_from else {
            return;
        };
        let rest: Vec<Ts<'t>> = arms[from..].iter().map(|(_, b)| *b).collect();
        self.branches(&rest, !has_else);
    }

    /// Blocks of which one (or, when `maybe_none`, none) runs, which is not
    /// known: each is read from the same bindings; a name any of them
    /// rebinds is unknown afterwards, and models changed in them are partial.
    fn branches(&mut self, blocks: &[Ts<'t>], maybe_none: bool) {
        let before = self.scopes.last().cloned().unwrap_or_default();
        let mut changed: Vec<(String, Span)> = Vec::new();
        let mut ends: Vec<Scope> = Vec::new();
        self.cond += 1;
        for b in blocks {
            // Each branch starts from a copy of the bindings: work too.
            self.charge(4 * before.len());
            if let Some(s) = self.scopes.last_mut() {
                *s = before.clone();
            }
            match b.kind() {
                "block" => self.block(*b),
                _ => self.block_of(*b),
            }
            if let Some(s) = self.scopes.last() {
                for (k, (v, g)) in s {
                    if before.get(k).is_none_or(|(_, g0)| g0 != g) {
                        changed.push((k.clone(), v.span(self)));
                    }
                }
                ends.push(s.clone());
            }
        }
        self.cond -= 1;
        if maybe_none {
            ends.push(before.clone());
        }
        if let Some(s) = self.scopes.last_mut() {
            *s = before;
        }
        changed.sort_by(|a, b| a.0.cmp(&b.0));
        changed.dedup_by(|a, b| a.0 == b.0);
        for (k, span) in changed {
            // A tensor whichever branch ran (`x = Dense(...)(x)` in one,
            // `x = Flatten()(x)` in the other): an opaque join of them, so
            // the graph stays connected; anything else is unknown.
            let alternatives: Option<Vec<Val>> = ends
                .iter()
                .map(|s| match s.get(&k) {
                    Some((v @ Val::Tensor(_), _)) => Some(v.clone()),
                    _ => None,
                })
                .collect();
            let val = match alternatives {
                Some(vals) if !vals.is_empty() => self.op(&vals, span),
                _ => Val::Unknown(span),
            };
            self.bind(&k, val);
        }
    }

    fn for_statement(&mut self, n: Ts<'t>) {
        let (Some(left), Some(right), Some(body)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
            n.child_by_field_name("body"),
        ) else {
            return;
        };
        let iter = self.expr(right);
        let items = self.iterate(&iter).filter(|_| !self.jumps(body));
        match items {
            Some(items) => {
                for item in items {
                    if self.exhausted {
                        break;
                    }
                    self.assign(left, item);
                    self.block(body);
                }
                if let Some(alt) = n.child_by_field_name("alternative") {
                    self.block_of(alt);
                }
            }
            None => {
                let span = span_of(left);
                self.assign(left, Val::Unknown(span));
                let mut blocks = vec![body];
                blocks.extend(n.child_by_field_name("alternative"));
                self.branches(&blocks, true);
                let span = span_of(left);
                self.assign(left, Val::Unknown(span));
            }
        }
    }

    /// The items of a value iterated over, when known and at most
    /// [`MAX_UNROLL`] of them.
    fn iterate(&self, v: &Val) -> Option<Vec<Val>> {
        let items: Vec<Val> = match v {
            Val::Data(n) => match &n.value {
                Value::Array(items) => items.iter().cloned().map(Val::Data).collect(),
                Value::Object(entries) => entries
                    .iter()
                    .map(|e| data(Value::String(e.key.clone()), e.key_span))
                    .collect(),
                _ => return None,
            },
            Val::Seq(items, _) => items.clone(),
            _ => return None,
        };
        (items.len() <= MAX_UNROLL).then_some(items)
    }

    /// Whether a loop body leaves the loop early (`break`, `continue`,
    /// `return`), outside nested functions and loops.
    fn jumps(&self, n: Ts<'t>) -> bool {
        let mut stack = vec![n];
        let mut seen = 0;
        while let Some(c) = stack.pop() {
            seen += 1;
            if seen > 100_000 {
                return true;
            }
            match c.kind() {
                "break_statement" | "continue_statement" | "return_statement" => return true,
                "function_definition" | "class_definition" | "lambda" => {}
                _ => stack.extend(named_children(c)),
            }
        }
        false
    }

    /// The truth of a value, when known.
    fn truth(&self, v: &Val) -> Option<bool> {
        match v {
            Val::Data(n) => match &n.value {
                Value::Null => Some(false),
                Value::Bool(b) => Some(*b),
                Value::Number(x) => Some(x.value != 0.0),
                Value::String(s) => Some(!s.is_empty()),
                Value::Array(a) => Some(!a.is_empty()),
                Value::Object(o) => Some(!o.is_empty()),
                Value::Unknown => None,
            },
            Val::Seq(items, _) => Some(!items.is_empty()),
            _ => None,
        }
    }

    // ----- expressions -----

    pub fn expr(&mut self, n: Ts<'t>) -> Val {
        let span = span_of(n);
        if !self.step() || self.depth > MAX_DEPTH {
            return Val::Unknown(span);
        }
        self.depth += 1;
        let v = self.expr_inner(n, span);
        self.depth -= 1;
        v
    }

    fn expr_inner(&mut self, n: Ts<'t>, span: Span) -> Val {
        match n.kind() {
            "identifier" => self.name(n, span),
            "integer" => parse_int(self.text_of(n), span),
            "float" => {
                let t = self.text_of(n).replace('_', "");
                match t.parse::<f64>() {
                    Ok(f) if f.is_finite() => number(f, None, span),
                    _ => Val::Unknown(span),
                }
            }
            "true" => data(Value::Bool(true), span),
            "false" => data(Value::Bool(false), span),
            "none" => data(Value::Null, span),
            "string" => match self.string(n) {
                Some(s) => data(Value::String(s.into()), span),
                None => Val::Unknown(span),
            },
            "concatenated_string" => {
                let mut out = String::new();
                for part in named_children(n) {
                    match self.string(part) {
                        Some(s) => out.push_str(&s),
                        None => return Val::Unknown(span),
                    }
                }
                data(Value::String(out.into()), span)
            }
            "parenthesized_expression" => match named_children(n).first() {
                Some(inner) => {
                    let v = self.expr(*inner);
                    respan(v, span)
                }
                None => Val::Unknown(span),
            },
            "list" | "tuple" | "expression_list" | "set" => {
                let mut items = Vec::new();
                for c in named_children(n) {
                    if c.kind() == "list_splat" {
                        let inner = named_children(c).first().map(|i| self.expr(*i));
                        match inner.as_ref().and_then(|v| self.iterate(v)) {
                            Some(vs) => items.extend(vs),
                            None => return Val::Unknown(span),
                        }
                        continue;
                    }
                    items.push(self.expr(c));
                }
                seq(items, span)
            }
            "dictionary" => {
                let mut entries: Vec<(Str, Span, Val)> = Vec::new();
                for c in named_children(n) {
                    match c.kind() {
                        "pair" => {
                            let (Some(k), Some(v)) =
                                (c.child_by_field_name("key"), c.child_by_field_name("value"))
                            else {
                                return Val::Unknown(span);
                            };
                            let key = self.expr(k);
                            let Val::Data(Node {
                                value: Value::String(key),
                                span: key_span,
                            }) = key
                            else {
                                return Val::Unknown(span);
                            };
                            let val = self.expr(v);
                            entries.retain(|(k, _, _)| *k != key);
                            entries.push((key, key_span, val));
                        }
                        _ => return Val::Unknown(span),
                    }
                }
                dict(entries, span)
            }
            "unary_operator" => {
                let op = n
                    .child_by_field_name("operator")
                    .map(|o| self.text_of(o))
                    .unwrap_or("");
                let Some(arg) = n.child_by_field_name("argument") else {
                    return Val::Unknown(span);
                };
                let v = self.expr(arg);
                match (op, &v) {
                    (
                        "-",
                        Val::Data(Node {
                            value: Value::Number(x),
                            ..
                        }),
                    ) => number(-x.value, x.int.and_then(i64::checked_neg), span),
                    (
                        "+",
                        Val::Data(Node {
                            value: Value::Number(_),
                            ..
                        }),
                    ) => respan(v, span),
                    (_, Val::Tensor(_)) => self.op(&[v], span),
                    _ => Val::Unknown(span),
                }
            }
            "not_operator" => {
                let v = n.child_by_field_name("argument").map(|a| self.expr(a));
                match v.as_ref().and_then(|v| self.truth(v)) {
                    Some(b) => data(Value::Bool(!b), span),
                    None => Val::Unknown(span),
                }
            }
            "binary_operator" => {
                let (Some(l), Some(r)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) else {
                    return Val::Unknown(span);
                };
                let op = n
                    .child_by_field_name("operator")
                    .map(|o| self.text_of(o))
                    .unwrap_or("");
                let lv = self.expr(l);
                let rv = self.expr(r);
                self.binary(op, lv, rv, span)
            }
            "comparison_operator" => self.comparison(n, span),
            "boolean_operator" => {
                let (Some(l), Some(r)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) else {
                    return Val::Unknown(span);
                };
                let op = n
                    .child_by_field_name("operator")
                    .map(|o| self.text_of(o))
                    .unwrap_or("");
                let lv = self.expr(l);
                match (op, self.truth(&lv)) {
                    ("and", Some(false)) | ("or", Some(true)) => lv,
                    ("and", Some(true)) | ("or", Some(false)) => self.expr(r),
                    _ => {
                        self.expr(r);
                        Val::Unknown(span)
                    }
                }
            }
            "conditional_expression" => {
                let parts = named_children(n);
                if parts.len() != 3 {
                    return Val::Unknown(span);
                }
                let c = self.expr(parts[1]);
                match self.truth(&c) {
                    Some(true) => self.expr(parts[0]),
                    Some(false) => self.expr(parts[2]),
                    None => Val::Unknown(span),
                }
            }
            "attribute" => self.attribute(n, span),
            "subscript" => self.subscript(n, span),
            "call" => self.call(n, span),
            "list_comprehension" | "generator_expression" => self.comprehension(n, span),
            "assignment" | "named_expression" => {
                // `(x := value)`
                if n.kind() == "named_expression" {
                    let (Some(name), Some(value)) = (
                        n.child_by_field_name("name"),
                        n.child_by_field_name("value"),
                    ) else {
                        return Val::Unknown(span);
                    };
                    let v = self.expr(value);
                    self.assign(name, v.clone());
                    v
                } else {
                    self.assignment(n)
                }
            }
            _ => Val::Unknown(span),
        }
    }

    fn name(&mut self, n: Ts<'t>, span: Span) -> Val {
        let name = self.text_of(n);
        if let Some(v) = self.lookup(name) {
            let v = v.clone();
            // Copying a large literal is work: it counts against the budget.
            self.charge(size(&v));
            return respan(v, span);
        }
        if BUILTINS.contains(&name) {
            return Val::Path(format!("builtins.{name}"), span);
        }
        // `from keras.layers import *`: a class name of that module.
        if name.starts_with(|c: char| c.is_ascii_uppercase()) {
            for star in &self.stars {
                let path = names::canonical(&format!("{star}.{name}"));
                if names::kind(&path) != Kind::Other {
                    return Val::Path(path, span);
                }
            }
        }
        Val::Unknown(span)
    }

    /// A Python string literal's value; `None` for f-strings with
    /// replacement fields and byte strings.
    fn string(&self, n: Ts<'t>) -> Option<String> {
        if n.kind() != "string" {
            return None;
        }
        let mut out = String::new();
        let mut raw = false;
        for c in named_children(n) {
            match c.kind() {
                "string_start" => {
                    let prefix = self.text_of(c).to_ascii_lowercase();
                    if prefix.contains('b') {
                        return None;
                    }
                    raw = prefix.contains('r');
                }
                "string_content" => {
                    let t = self.text_of(c);
                    if raw {
                        out.push_str(t);
                    } else {
                        unescape(t, &mut out)?;
                    }
                }
                "interpolation" => return None,
                "escape_sequence" => unescape(self.text_of(c), &mut out)?,
                _ => {}
            }
        }
        Some(out)
    }

    fn binary(&mut self, op: &str, l: Val, r: Val, span: Span) -> Val {
        if matches!(l, Val::Tensor(_)) || matches!(r, Val::Tensor(_)) {
            return self.op(&[l, r], span);
        }
        let (Val::Data(a), Val::Data(b)) = (&l, &r) else {
            return Val::Unknown(span);
        };
        match (&a.value, &b.value) {
            (Value::Number(x), Value::Number(y)) => arith(op, *x, *y, span),
            (Value::String(x), Value::String(y)) if op == "+" => {
                data(Value::String(format!("{x}{y}").into()), span)
            }
            (Value::Array(x), Value::Array(y)) if op == "+" && x.len() + y.len() <= 10_000 => {
                let mut items = x.clone();
                items.extend(y.iter().cloned());
                data(Value::Array(items), span)
            }
            _ => Val::Unknown(span),
        }
    }

    fn comparison(&mut self, n: Ts<'t>, span: Span) -> Val {
        let parts = named_children(n);
        let mut cursor = n.walk();
        let ops: Vec<String> = n
            .children_by_field_name("operators", &mut cursor)
            .map(|o| self.text_of(o).to_string())
            .collect();
        let vals: Vec<Val> = parts.iter().map(|p| self.expr(*p)).collect();
        if parts.len() != 2 || ops.len() != 1 {
            return Val::Unknown(span);
        }
        let (Val::Data(a), Val::Data(b)) = (&vals[0], &vals[1]) else {
            return Val::Unknown(span);
        };
        let eq = data_eq(a, b, 0);
        let lt = match (&a.value, &b.value) {
            (Value::Number(x), Value::Number(y)) => x.value.partial_cmp(&y.value),
            _ => None,
        };
        let result = match ops[0].as_str() {
            "==" | "is" => eq,
            "!=" | "is not" => eq.map(|e| !e),
            "<" => lt.map(|o| o.is_lt()),
            "<=" => lt.map(|o| o.is_le()),
            ">" => lt.map(|o| o.is_gt()),
            ">=" => lt.map(|o| o.is_ge()),
            _ => None,
        };
        match result {
            Some(b) => data(Value::Bool(b), span),
            None => Val::Unknown(span),
        }
    }

    fn attribute(&mut self, n: Ts<'t>, span: Span) -> Val {
        let (Some(obj), Some(attr)) = (
            n.child_by_field_name("object"),
            n.child_by_field_name("attribute"),
        ) else {
            return Val::Unknown(span);
        };
        let base = self.expr(obj);
        let attr = self.text_of(attr);
        match base {
            Val::Path(p, _) => Val::Path(names::canonical(&format!("{p}.{attr}")), span),
            Val::Instance(i) => match self.instances[i].get(attr) {
                Some(v) => respan(v.clone(), span),
                None => Val::Unknown(span),
            },
            _ => Val::Unknown(span),
        }
    }

    fn subscript(&mut self, n: Ts<'t>, span: Span) -> Val {
        let Some(value) = n.child_by_field_name("value") else {
            return Val::Unknown(span);
        };
        let base = self.expr(value);
        let mut cursor = n.walk();
        let subs: Vec<Ts<'t>> = n.children_by_field_name("subscript", &mut cursor).collect();
        if let Val::Tensor(_) = base {
            return self.op(&[base], span);
        }
        if subs.len() != 1 {
            return Val::Unknown(span);
        }
        let key = self.expr(subs[0]);
        match (&base, &key) {
            (Val::Data(b), Val::Data(k)) => match (&b.value, &k.value) {
                (Value::Array(items), Value::Number(Number { int: Some(i), .. })) => {
                    index(items.len(), *i).map_or(Val::Unknown(span), |i| {
                        respan(Val::Data(items[i].clone()), span)
                    })
                }
                (Value::Object(_), Value::String(s)) => match b.get(s) {
                    Some(v) => respan(Val::Data(v.clone()), span),
                    None => Val::Unknown(span),
                },
                _ => Val::Unknown(span),
            },
            (
                Val::Seq(items, _),
                Val::Data(Node {
                    value: Value::Number(Number { int: Some(i), .. }),
                    ..
                }),
            ) => index(items.len(), *i).map_or(Val::Unknown(span), |i| items[i].clone()),
            (
                Val::Dict(entries, _),
                Val::Data(Node {
                    value: Value::String(s),
                    ..
                }),
            ) => entries
                .iter()
                .rev()
                .find(|(k, _, _)| k == s)
                .map_or(Val::Unknown(span), |(_, _, v)| v.clone()),
            _ => Val::Unknown(span),
        }
    }

    fn comprehension(&mut self, n: Ts<'t>, span: Span) -> Val {
        let Some(body) = n.child_by_field_name("body") else {
            return Val::Unknown(span);
        };
        let clauses: Vec<Ts<'t>> = named_children(n)
            .into_iter()
            .filter(|c| matches!(c.kind(), "for_in_clause" | "if_clause"))
            .collect();
        if clauses.len() != 1 || clauses[0].kind() != "for_in_clause" {
            return Val::Unknown(span);
        }
        let clause = clauses[0];
        let (Some(left), Some(right)) = (
            clause.child_by_field_name("left"),
            clause.child_by_field_name("right"),
        ) else {
            return Val::Unknown(span);
        };
        let iter = self.expr(right);
        let Some(items) = self.iterate(&iter) else {
            return Val::Unknown(span);
        };
        // The loop variable is local to the comprehension.
        self.charge(self.scopes.last().map_or(0, HashMap::len));
        let saved = self.scopes.last().cloned();
        let mut out = Vec::new();
        for item in items {
            self.assign(left, item);
            out.push(self.expr(body));
        }
        if let (Some(s), Some(saved)) = (self.scopes.last_mut(), saved) {
            *s = saved;
        }
        seq(out, span)
    }

    // ----- calls -----

    fn call(&mut self, n: Ts<'t>, span: Span) -> Val {
        let Some(func) = n.child_by_field_name("function") else {
            return Val::Unknown(span);
        };
        let args_node = n.child_by_field_name("arguments");
        // `model.add(...)`, `model.compile(...)`: methods on a model; the
        // object is evaluated once.
        let callee = match (
            func.kind(),
            func.child_by_field_name("object"),
            func.child_by_field_name("attribute"),
        ) {
            ("attribute", Some(obj), Some(attr)) => {
                let target = self.expr(obj);
                let method = self.text_of(attr).to_string();
                match target {
                    Val::Model(m) => {
                        let args = self.args(args_node);
                        return self.model_method(m, &method, args, span);
                    }
                    Val::Path(p, _) => {
                        Val::Path(names::canonical(&format!("{p}.{method}")), span_of(func))
                    }
                    // `self.dense(x)`: the attribute's value, called.
                    Val::Instance(i) => self.instances[i]
                        .get(&method)
                        .cloned()
                        .unwrap_or(Val::Unknown(span_of(func))),
                    target => {
                        let args = self.args(args_node);
                        let tensors: Vec<Val> = std::iter::once(target)
                            .chain(args.all_values())
                            .filter(has_tensor)
                            .collect();
                        if !tensors.is_empty() {
                            return self.op(&tensors, span);
                        }
                        return Val::Unknown(span);
                    }
                }
            }
            _ => self.expr(func),
        };
        let class_span = match func.kind() {
            "attribute" => func
                .child_by_field_name("attribute")
                .map_or(span_of(func), span_of),
            _ => span_of(func),
        };
        let args = self.args(args_node);
        let config_span = args_node.map_or(span, span_of);
        match callee {
            Val::Path(path, _) => self.call_path(&path, args, span, class_span, config_span),
            Val::Layer(id) => self.call_layer(id, args),
            Val::Func(f) => {
                let ret = if self.called.contains(self.text_of(func)) || self.funcs[f].ret.is_none()
                {
                    self.invoke(f, Some(&args))
                } else {
                    self.funcs[f].ret.clone()
                };
                match ret {
                    Some(v) => respan(v, span),
                    None => self.unknown_call(args, span),
                }
            }
            Val::Model(m) => self.call_model(m, args),
            Val::Class(m) => Val::Model(m),
            _ => self.unknown_call(args, span),
        }
    }

    /// A call of something not known (a user's function or class).
    fn unknown_call(&mut self, args: Args, span: Span) -> Val {
        let inputs: Vec<Val> = args.all_values().filter(has_tensor).collect();
        if inputs.is_empty() {
            Val::Unknown(span)
        } else {
            self.op(&inputs, span)
        }
    }

    fn args(&mut self, n: Option<Ts<'t>>) -> Args {
        let mut out = Args::default();
        let Some(n) = n else {
            return out;
        };
        if n.kind() != "argument_list" {
            // `f(x for x in xs)`
            out.opaque = true;
            return out;
        }
        for c in named_children(n) {
            match c.kind() {
                "keyword_argument" => {
                    let (Some(k), Some(v)) = (
                        c.child_by_field_name("name"),
                        c.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    let val = self.expr(v);
                    out.keywords
                        .push((self.text_of(k).to_string(), span_of(k), val));
                }
                "list_splat" => {
                    let inner = named_children(c).first().map(|i| self.expr(*i));
                    match inner.as_ref().and_then(|v| self.iterate(v)) {
                        Some(items) => out.positional.extend(items),
                        None => out.opaque = true,
                    }
                }
                "dictionary_splat" => {
                    let inner = named_children(c).first().map(|i| self.expr(*i));
                    match inner {
                        Some(Val::Data(Node {
                            value: Value::Object(entries),
                            ..
                        })) => {
                            for e in entries {
                                out.keywords.push((
                                    e.key.to_string(),
                                    e.key_span,
                                    Val::Data(e.value),
                                ));
                            }
                        }
                        Some(Val::Dict(entries, _)) => {
                            for (k, ks, v) in entries {
                                out.keywords.push((k.to_string(), ks, v));
                            }
                        }
                        _ => out.opaque = true,
                    }
                }
                _ => {
                    let v = self.expr(c);
                    out.positional.push(v);
                }
            }
        }
        out
    }

    /// `range`, `len`, `enumerate`, `zip`, ... on values known statically.
    fn builtin(&self, name: &str, args: &Args, span: Span) -> Val {
        if args.opaque || !args.keywords.is_empty() {
            return Val::Unknown(span);
        }
        let ints: Option<Vec<i64>> = args
            .positional
            .iter()
            .map(|v| match v {
                Val::Data(Node {
                    value: Value::Number(Number { int: Some(i), .. }),
                    ..
                }) => Some(*i),
                _ => None,
            })
            .collect();
        let first = args.positional.first();
        match name {
            "range" => {
                let Some(ints) = ints else {
                    return Val::Unknown(span);
                };
                let (start, stop, step) = match ints.as_slice() {
                    [stop] => (0, *stop, 1),
                    [start, stop] => (*start, *stop, 1),
                    [start, stop, step] if *step != 0 => (*start, *stop, *step),
                    _ => return Val::Unknown(span),
                };
                let mut items = Vec::new();
                let mut i = start;
                while (step > 0 && i < stop) || (step < 0 && i > stop) {
                    if items.len() > MAX_UNROLL {
                        return Val::Unknown(span);
                    }
                    items.push(Node::new(
                        Value::Number(Number {
                            value: i as f64,
                            int: Some(i),
                        }),
                        span,
                    ));
                    i += step;
                }
                data(Value::Array(items), span)
            }
            "len" => match first.and_then(|v| self.iterate(v)) {
                Some(items) if args.positional.len() == 1 => {
                    number(items.len() as f64, Some(items.len() as i64), span)
                }
                _ => Val::Unknown(span),
            },
            "list" | "tuple" => match first.and_then(|v| self.iterate(v)) {
                Some(items) if args.positional.len() == 1 => seq(items, span),
                _ => Val::Unknown(span),
            },
            "enumerate" => match first.and_then(|v| self.iterate(v)) {
                Some(items) if args.positional.len() == 1 => seq(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| seq(vec![number(i as f64, Some(i as i64), span), v], span))
                        .collect(),
                    span,
                ),
                _ => Val::Unknown(span),
            },
            "zip" => {
                let lists: Option<Vec<Vec<Val>>> =
                    args.positional.iter().map(|v| self.iterate(v)).collect();
                match lists {
                    Some(lists) if !lists.is_empty() => {
                        let n = lists.iter().map(Vec::len).min().unwrap_or(0);
                        seq(
                            (0..n)
                                .map(|i| seq(lists.iter().map(|l| l[i].clone()).collect(), span))
                                .collect(),
                            span,
                        )
                    }
                    _ => Val::Unknown(span),
                }
            }
            "int" | "float" => match first {
                Some(Val::Data(Node {
                    value: Value::Number(n),
                    ..
                })) if args.positional.len() == 1 => {
                    if name == "int" {
                        let i = n.value.trunc();
                        if i.abs() < 9.0e15 {
                            number(i, Some(i as i64), span)
                        } else {
                            Val::Unknown(span)
                        }
                    } else {
                        number(n.value, None, span)
                    }
                }
                _ => Val::Unknown(span),
            },
            "str" => match first {
                Some(Val::Data(n)) if n.as_str().is_some() => respan(Val::Data(n.clone()), span),
                _ => Val::Unknown(span),
            },
            _ => Val::Unknown(span),
        }
    }

    fn call_path(
        &mut self,
        path: &str,
        args: Args,
        span: Span,
        class_span: Span,
        config_span: Span,
    ) -> Val {
        if let Some(name) = path.strip_prefix("builtins.") {
            return self.builtin(name, &args, span);
        }
        match names::kind(path) {
            Kind::Sequential => {
                let id = self.models.len();
                let mut model = ModelObj {
                    functional: false,
                    span,
                    class_span,
                    name: None,
                    layers: Vec::new(),
                    inputs: None,
                    outputs: None,
                    compile: None,
                    partial: args.opaque.then_some(
                        "its constructor takes `*args` or `**kwargs` not known statically",
                    ),
                    cond: self.cond,
                };
                let layers = args.get(0, "layers");
                if let Some(list) = layers {
                    match self.iterate(&list) {
                        Some(items) => model.layers = items,
                        None if matches!(
                            list,
                            Val::Data(Node {
                                value: Value::Null,
                                ..
                            })
                        ) => {}
                        None => model.partial = Some("its layer list is not known statically"),
                    }
                }
                model.name = args.get(1, "name").map(|v| self.to_node(&v, span));
                self.models.push(model);
                Val::Model(id)
            }
            Kind::Model => {
                let id = self.models.len();
                let inputs = args
                    .get(0, "inputs")
                    .or_else(|| args.get(usize::MAX, "input"));
                let outputs = args
                    .get(1, "outputs")
                    .or_else(|| args.get(usize::MAX, "output"));
                let name = args.get(2, "name").map(|v| self.to_node(&v, span));
                let partial = if outputs.is_none() {
                    Some("it is a subclassed model or its outputs are not given")
                } else {
                    None
                };
                self.models.push(ModelObj {
                    functional: true,
                    span,
                    class_span,
                    name,
                    layers: Vec::new(),
                    inputs,
                    outputs,
                    compile: None,
                    partial,
                    cond: self.cond,
                });
                Val::Model(id)
            }
            Kind::Input => {
                let id = self.new_layer("InputLayer", class_span, span, config_span, &args);
                Val::Tensor(Tensor {
                    layer: id,
                    node: 0,
                    index: 0,
                })
            }
            Kind::Layer => {
                let class = names::last(path).to_string();
                let id = self.new_layer(&class, class_span, span, config_span, &args);
                Val::Layer(id)
            }
            Kind::Merge(class) => {
                // `concatenate([a, b], axis=-1)`: the layer, called on the list.
                let inputs = args.get(0, "inputs");
                let rest = Args {
                    positional: Vec::new(),
                    keywords: args
                        .keywords
                        .iter()
                        .filter(|(k, _, _)| k != "inputs")
                        .cloned()
                        .collect(),
                    opaque: args.opaque,
                };
                let id = self.new_layer(class, class_span, span, config_span, &rest);
                let call = Args {
                    positional: inputs.into_iter().collect(),
                    keywords: Vec::new(),
                    opaque: false,
                };
                self.call_layer(id, call)
            }
            Kind::Object => {
                let class = names::last(path);
                let params = catalog::object_positional_params(class);
                let mut entries = Vec::new();
                let mut known = !args.opaque;
                for (i, v) in args.positional.iter().enumerate() {
                    match params.get(i) {
                        Some(p) => {
                            let node = self.to_node(v, span);
                            entries.push(Entry {
                                key: (*p).into(),
                                key_span: node.span,
                                value: node,
                            });
                        }
                        None => known = false,
                    }
                }
                for (k, ks, v) in &args.keywords {
                    let node = self.to_node(v, span);
                    entries.retain(|e: &Entry| e.key != k.as_str());
                    entries.push(Entry {
                        key: k.as_str().into(),
                        key_span: *ks,
                        value: node,
                    });
                }
                if !known {
                    return Val::Unknown(span);
                }
                Val::Obj(object(class, class_span, entries, config_span))
            }
            Kind::Activation => {
                let inputs: Vec<Val> = args.all_values().filter(has_tensor).collect();
                if inputs.is_empty() {
                    Val::Unknown(span)
                } else {
                    self.op(&inputs, span)
                }
            }
            Kind::Application | Kind::Other => self.unknown_call(args, span),
        }
    }

    /// A layer object from its constructor's arguments.
    fn new_layer(
        &mut self,
        class: &str,
        class_span: Span,
        span: Span,
        config_span: Span,
        args: &Args,
    ) -> usize {
        let order = catalog::positional_params(class);
        let mut out: Vec<Arg> = Vec::new();
        let mut custom = args.opaque;
        for (i, v) in args.positional.iter().enumerate() {
            match order.and_then(|o| o.get(i)) {
                Some(key) => {
                    let node = self.to_node(v, span);
                    out.push(Arg {
                        entry: Entry {
                            key: (*key).into(),
                            key_span: node.span,
                            value: node,
                        },
                        positional: true,
                    });
                }
                // A positional argument whose parameter is not known: any
                // argument the rules read could be it.
                None => custom = true,
            }
        }
        let mut name = None;
        for (k, ks, v) in &args.keywords {
            if crate::ir::keras1::is_keras1_only_key(k)
                || (k == "output_dim" && class != "Embedding")
            {
                self.keras1 = true;
            }
            let node = self.to_node(v, span);
            if k == "name" {
                if let Some(s) = node.as_str() {
                    name = Some((s.to_string(), node.span));
                }
            }
            set_arg(&mut out, k, *ks, node, false);
        }
        let id = self.layers.len();
        self.layers.push(LayerObj {
            class: class.to_string(),
            class_span,
            span,
            config_span,
            args: out,
            custom,
            name,
            calls: Vec::new(),
            nested: None,
        });
        id
    }

    /// A model of the file called on tensors: a layer of the calling model
    /// (the model nested in it), called once per call.
    fn call_model(&mut self, m: usize, args: Args) -> Val {
        let existing = self.layers.iter().position(|l| l.nested == Some(m));
        let id = match existing {
            Some(id) => id,
            None => {
                let model = &self.models[m];
                let class = if model.functional {
                    "Functional"
                } else {
                    "Sequential"
                };
                let name = model
                    .name
                    .as_ref()
                    .and_then(|n| n.as_str().map(|s| (s.to_string(), n.span)));
                let (class_span, model_span) = (model.class_span, model.span);
                let id = self.layers.len();
                self.layers.push(LayerObj {
                    class: class.to_string(),
                    class_span,
                    span: model_span,
                    config_span: model_span,
                    args: Vec::new(),
                    custom: false,
                    name,
                    calls: Vec::new(),
                    nested: Some(m),
                });
                id
            }
        };
        self.call_layer(id, args)
    }

    /// Calls a layer on tensors: `Dense(10)(x)`.
    fn call_layer(&mut self, id: usize, args: Args) -> Val {
        let input = args.get(0, "inputs");
        let mut tensors = Vec::new();
        if let Some(v) = input {
            self.tensors_of(&v, &mut tensors);
        }
        let node = self.layers[id].calls.len();
        self.layers[id].calls.push(tensors);
        Val::Tensor(Tensor {
            layer: id,
            node,
            index: 0,
        })
    }

    /// The tensors in a value; something else stands for an input not known
    /// (`base_model.output`): a placeholder layer.
    fn tensors_of(&mut self, v: &Val, out: &mut Vec<Tensor>) {
        match v {
            Val::Tensor(t) => out.push(*t),
            Val::Seq(items, _) => {
                for i in items {
                    self.tensors_of(i, out);
                }
            }
            Val::Dict(entries, _) => {
                for (_, _, i) in entries {
                    self.tensors_of(i, out);
                }
            }
            other => {
                let span = other.span(self);
                let id = self.placeholder(span);
                out.push(Tensor {
                    layer: id,
                    node: 0,
                    index: 0,
                });
            }
        }
    }

    /// An opaque layer standing for something not known.
    fn placeholder(&mut self, span: Span) -> usize {
        let id = self.layers.len();
        self.layers.push(LayerObj {
            class: crate::ir::read::NOT_KNOWN.to_string(),
            class_span: span,
            span,
            config_span: span,
            args: Vec::new(),
            custom: true,
            name: None,
            calls: Vec::new(),
            nested: None,
        });
        id
    }

    /// An operation on tensors that is not a Keras layer (`x + y`,
    /// `tf.nn.relu(x)`, a call of a model): an opaque layer in the graph.
    fn op(&mut self, inputs: &[Val], span: Span) -> Val {
        let id = self.placeholder(span);
        let mut tensors = Vec::new();
        for v in inputs {
            if has_tensor(v) {
                self.tensors_of(v, &mut tensors);
            }
        }
        self.layers[id].calls.push(tensors);
        Val::Tensor(Tensor {
            layer: id,
            node: 0,
            index: 0,
        })
    }

    fn model_method(&mut self, m: usize, method: &str, args: Args, span: Span) -> Val {
        let conditional = self.cond > self.models[m].cond;
        match method {
            "add" => {
                if conditional {
                    self.models[m].partial = Some(
                        "a layer is added under a condition or in a loop not known statically",
                    );
                }
                match args.get(0, "layer") {
                    Some(v) => self.models[m].layers.push(v),
                    None => self.models[m].partial = Some("`add` is called without a layer"),
                }
            }
            "pop" => self.models[m].partial = Some("a layer is removed with `pop()`"),
            "compile" => {
                let mut entries = Vec::new();
                let mut set = |ctx: &mut Self, key: &str, pos: usize| {
                    if let Some(v) = args.get(pos, key) {
                        let node = ctx.to_node(&v, span);
                        entries.push(Entry {
                            key: key.into(),
                            key_span: args.key_span(key).unwrap_or(node.span),
                            value: node,
                        });
                    } else if args.opaque {
                        entries.push(Entry {
                            key: key.into(),
                            key_span: span,
                            value: Node::new(Value::Unknown, span),
                        });
                    }
                };
                set(self, "optimizer", 0);
                set(self, "loss", 1);
                set(self, "metrics", usize::MAX);
                set(self, "loss_weights", usize::MAX);
                if conditional {
                    // Compiled or not, with this loss or another: not known.
                    entries.retain(|e| e.key != "loss");
                    entries.push(Entry {
                        key: "loss".into(),
                        key_span: span,
                        value: Node::new(Value::Unknown, span),
                    });
                }
                self.models[m].compile = Some(entries);
            }
            _ => {
                // `model(x)` is handled as a call; other methods (`fit`,
                // `summary`) change nothing the rules read.
                let inputs: Vec<Val> = args.all_values().filter(has_tensor).collect();
                if method == "__call__" && !inputs.is_empty() {
                    return self.op(&inputs, span);
                }
            }
        }
        Val::Unknown(span)
    }

    // ----- lowering values -----

    /// A value as an argument node of the Keras config tree.
    pub fn to_node(&self, v: &Val, fallback: Span) -> Node {
        match v {
            Val::Data(n) | Val::Obj(n) => n.clone(),
            Val::Unknown(s) => Node::new(Value::Unknown, *s),
            Val::Path(p, s) => match names::kind(p) {
                Kind::Activation | Kind::Object => {
                    Node::new(Value::String(names::last(p).into()), *s)
                }
                _ => Node::new(Value::Unknown, *s),
            },
            Val::Layer(id) => self.layer_entry(*id, None),
            Val::Seq(items, s) => Node::new(
                Value::Array(items.iter().map(|i| self.to_node(i, *s)).collect()),
                *s,
            ),
            Val::Dict(entries, s) => Node::new(
                Value::Object(
                    entries
                        .iter()
                        .map(|(k, ks, v)| Entry {
                            key: k.clone(),
                            key_span: *ks,
                            value: self.to_node(v, *s),
                        })
                        .collect(),
                ),
                *s,
            ),
            other => {
                let s = other.span(self);
                Node::new(
                    Value::Unknown,
                    if s == Span::default() { fallback } else { s },
                )
            }
        }
    }

    /// A layer entry `{module, class_name, config}`; `name` overrides the
    /// config's name (generated names of functional models).
    pub fn layer_entry(&self, id: usize, name: Option<(&str, Span)>) -> Node {
        let l = &self.layers[id];
        let mut config: Vec<Entry> = l
            .args
            .iter()
            .filter(|a| !(self.keras1 && a.positional && a.entry.key != first_param(&l.class)))
            .map(|a| {
                let mut e = a.entry.clone();
                if self.keras1 && a.positional {
                    if let Some(k1) = crate::ir::keras1::keras1_key(&e.key) {
                        e.key = k1.into();
                    }
                }
                e
            })
            .collect();
        if l.custom {
            config.clear();
        }
        if let Some((n, s)) = name {
            config.retain(|e| e.key != "name");
            config.push(Entry {
                key: "name".into(),
                key_span: s,
                value: Node::new(Value::String(n.into()), s),
            });
        }
        let module = if l.custom { "__main__" } else { "keras.layers" };
        let mut entries = vec![
            entry(
                "module",
                l.span,
                Node::new(Value::String(module.into()), l.span),
            ),
            entry(
                "class_name",
                l.class_span,
                Node::new(Value::String(l.class.as_str().into()), l.class_span),
            ),
            entry(
                "config",
                l.config_span,
                Node::new(Value::Object(config), l.config_span),
            ),
        ];
        if let Some((n, s)) = name {
            entries.push(entry("name", s, Node::new(Value::String(n.into()), s)));
        }
        Node::new(Value::Object(entries), l.span)
    }
}

/// The first positional parameter of a class (the one Keras 1 and later agree on).
fn first_param(class: &str) -> &'static str {
    catalog::positional_params(class)
        .and_then(|p| p.first().copied())
        .unwrap_or("")
}

pub fn entry(key: &str, key_span: Span, value: Node) -> Entry {
    Entry {
        key: key.into(),
        key_span,
        value,
    }
}

/// `{class_name, config}` for an object passed as an argument.
fn object(class: &str, class_span: Span, config: Vec<Entry>, config_span: Span) -> Node {
    let span = class_span.cover(config_span);
    Node::new(
        Value::Object(vec![
            entry(
                "class_name",
                class_span,
                Node::new(Value::String(class.into()), class_span),
            ),
            entry(
                "config",
                config_span,
                Node::new(Value::Object(config), config_span),
            ),
        ]),
        span,
    )
}

fn set_arg(args: &mut Vec<Arg>, key: &str, key_span: Span, value: Node, positional: bool) {
    args.retain(|a| a.entry.key != key);
    args.push(Arg {
        entry: Entry {
            key: key.into(),
            key_span,
            value,
        },
        positional,
    });
}

/// The arguments of a call, evaluated.
#[derive(Default)]
struct Args {
    positional: Vec<Val>,
    keywords: Vec<(String, Span, Val)>,
    /// `*args` / `**kwargs` whose content is not known.
    opaque: bool,
}

impl Args {
    /// The argument at position `pos` or named `key`.
    fn get(&self, pos: usize, key: &str) -> Option<Val> {
        self.keywords
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, v)| v.clone())
            .or_else(|| self.positional.get(pos).cloned())
    }
    fn key_span(&self, key: &str) -> Option<Span> {
        self.keywords
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, s, _)| *s)
    }
    fn all_values(&self) -> impl Iterator<Item = Val> + '_ {
        self.positional
            .iter()
            .cloned()
            .chain(self.keywords.iter().map(|(_, _, v)| v.clone()))
    }
}

/// About how much copying a value costs: its nodes (counting them costs
/// what copying them does).
fn size(v: &Val) -> usize {
    match v {
        Val::Data(n) | Val::Obj(n) => match &n.value {
            Value::Array(_) | Value::Object(_) => n.count(),
            _ => 1,
        },
        Val::Seq(items, _) => items.len(),
        Val::Dict(entries, _) => entries.len(),
        _ => 1,
    }
}

fn has_tensor(v: &Val) -> bool {
    match v {
        Val::Tensor(_) => true,
        Val::Seq(items, _) => items.iter().any(has_tensor),
        Val::Dict(entries, _) => entries.iter().any(|(_, _, v)| has_tensor(v)),
        _ => false,
    }
}

/// A value read through a name or parentheses points at where it is used.
fn respan(v: Val, span: Span) -> Val {
    match v {
        Val::Data(mut n) => {
            n.span = span;
            Val::Data(n)
        }
        Val::Unknown(_) => Val::Unknown(span),
        Val::Path(p, _) => Val::Path(p, span),
        other => other,
    }
}

fn seq(items: Vec<Val>, span: Span) -> Val {
    if items.iter().all(|i| matches!(i, Val::Data(_))) {
        let nodes = items
            .into_iter()
            .map(|i| match i {
                Val::Data(n) => n,
                _ => unreachable!("checked above"),
            })
            .collect();
        data(Value::Array(nodes), span)
    } else {
        Val::Seq(items, span)
    }
}

fn dict(entries: Vec<(Str, Span, Val)>, span: Span) -> Val {
    if entries.iter().all(|(_, _, v)| matches!(v, Val::Data(_))) {
        let out = entries
            .into_iter()
            .map(|(k, ks, v)| Entry {
                key: k,
                key_span: ks,
                value: match v {
                    Val::Data(n) => n,
                    _ => unreachable!("checked above"),
                },
            })
            .collect();
        data(Value::Object(out), span)
    } else {
        Val::Dict(entries, span)
    }
}

/// Python's `==` on values known statically; `None` when it is not known.
fn data_eq(a: &Node, b: &Node, depth: usize) -> Option<bool> {
    if depth > 32 {
        return None;
    }
    match (&a.value, &b.value) {
        (Value::String(x), Value::String(y)) => Some(x == y),
        (Value::Number(x), Value::Number(y)) => Some(x.value == y.value),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Null, Value::Null) => Some(true),
        (Value::Unknown, _) | (_, Value::Unknown) => None,
        // Lists and tuples element by element (`strides == (1, 1)`).
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = true;
            for (i, j) in x.iter().zip(y) {
                all &= data_eq(i, j, depth + 1)?;
            }
            Some(all)
        }
        (Value::Object(_), _) | (_, Value::Object(_)) => None,
        // `True == 1` in Python.
        (Value::Bool(x), Value::Number(y)) | (Value::Number(y), Value::Bool(x)) => {
            Some(f64::from(u8::from(*x)) == y.value)
        }
        // Known values of different types (`"relu" is None`) differ.
        _ => Some(false),
    }
}

fn index(len: usize, i: i64) -> Option<usize> {
    let i = if i < 0 { len as i64 + i } else { i };
    (0..len as i64).contains(&i).then_some(i as usize)
}

fn parse_int(text: &str, span: Span) -> Val {
    let t = text.replace('_', "").to_ascii_lowercase();
    let parsed = if let Some(h) = t.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(o) = t.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()
    } else if let Some(b) = t.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()
    } else {
        t.trim_end_matches('l').parse::<i64>().ok()
    };
    match parsed {
        Some(i) => number(i as f64, Some(i), span),
        None => Val::Unknown(span),
    }
}

fn arith(op: &str, x: Number, y: Number, span: Span) -> Val {
    let ints = x.int.zip(y.int);
    let (a, b) = (x.value, y.value);
    let int = |r: Option<i64>| match r {
        Some(i) => number(i as f64, Some(i), span),
        None => Val::Unknown(span),
    };
    let float = |f: f64| {
        if f.is_finite() {
            number(f, None, span)
        } else {
            Val::Unknown(span)
        }
    };
    match (op, ints) {
        ("+", Some((i, j))) => int(i.checked_add(j)),
        ("-", Some((i, j))) => int(i.checked_sub(j)),
        ("*", Some((i, j))) => int(i.checked_mul(j)),
        ("//", Some((i, j))) if j != 0 => int(Some(i.div_euclid(j))),
        ("%", Some((i, j))) if j != 0 => int(Some(i.rem_euclid(j))),
        ("**", Some((i, j))) if (0..64).contains(&j) => {
            int(u32::try_from(j).ok().and_then(|j| i.checked_pow(j)))
        }
        ("+", None) => float(a + b),
        ("-", None) => float(a - b),
        ("*", None) => float(a * b),
        ("/", _) if b != 0.0 => float(a / b),
        ("//", None) if b != 0.0 => float((a / b).floor()),
        ("**", None) => float(a.powf(b)),
        _ => Val::Unknown(span),
    }
}

/// Processes the escapes of a (non-raw) string literal's content.
fn unescape(t: &str, out: &mut String) -> Option<()> {
    let mut chars = t.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            '\n' => {}
            // Other escapes (`\x41`, `\u00e9`, `\N{...}`) do not occur in
            // the names actlint reads: the value is not known.
            _ => return None,
        }
    }
    Some(())
}

/// A dotted name without blanks (`keras . layers` is legal Python).
fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
