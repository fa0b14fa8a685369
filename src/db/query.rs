//! The one way a list is filtered and paged: a `Filter` collects optional conditions
//! with their values (numbered parameters, so one value can appear twice), and `page`
//! counts the rows it selects and reads one page of them in the same snapshot.

use rusqlite::{
    types::{ToSqlOutput, Value},
    Connection, Row, ToSql,
};

/// A parameter as an owned value (text enums, numbers, strings).
pub fn value_of(v: &dyn ToSql) -> Value {
    match v.to_sql() {
        Ok(ToSqlOutput::Borrowed(r)) => Value::try_from(r).unwrap_or(Value::Null),
        Ok(ToSqlOutput::Owned(v)) => v,
        _ => Value::Null,
    }
}

/// Conditions joined with AND. A condition is SQL with `?` placeholders; `Filter`
/// numbers them, so callers never count parameters.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    clauses: Vec<String>,
    params: Vec<Value>,
}

impl Filter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `clause`, whose `?`s take `values` in order.
    pub fn and(&mut self, clause: &str, values: impl IntoIterator<Item = Value>) -> &mut Self {
        let values: Vec<Value> = values.into_iter().collect();
        let mut out = String::with_capacity(clause.len() + 8);
        let mut used = 0;
        for ch in clause.chars() {
            if ch == '?' {
                used += 1;
                out.push_str(&format!("?{}", self.params.len() + used));
            } else {
                out.push(ch);
            }
        }
        debug_assert_eq!(used, values.len(), "placeholders and values differ in {clause}");
        self.params.extend(values);
        self.clauses.push(out);
        self
    }

    /// `column = value`, when there is a value.
    pub fn eq(&mut self, column: &str, value: Option<impl ToSql>) -> &mut Self {
        if let Some(v) = value {
            self.and(&format!("{column} = ?"), [value_of(&v)]);
        }
        self
    }

    /// `column >= value` / `column < value` for a time range; either end may be open.
    pub fn range(&mut self, column: &str, from: Option<String>, until: Option<String>) -> &mut Self {
        if let Some(f) = from {
            self.and(&format!("{column} >= ?"), [Value::Text(f)]);
        }
        if let Some(u) = until {
            self.and(&format!("{column} < ?"), [Value::Text(u)]);
        }
        self
    }

    /// Any of `columns` contains `term` (LIKE, wildcards in the term escaped); blank
    /// terms filter nothing.
    pub fn contains(&mut self, columns: &[&str], term: Option<&str>) -> &mut Self {
        let Some(term) = term.filter(|t| !t.trim().is_empty()) else {
            return self;
        };
        let pattern = like_pattern(term);
        let n = self.params.len() + 1;
        let any: Vec<String> = columns.iter().map(|c| format!("{c} LIKE ?{n} ESCAPE '\\'")).collect();
        self.clauses.push(format!("({})", any.join(" OR ")));
        self.params.push(Value::Text(pattern));
        self
    }

    /// `WHERE ...`, or nothing.
    pub fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    pub fn params(&self) -> &[Value] {
        &self.params
    }
}

/// Which slice of a list to read.
#[derive(Clone, Copy, Debug)]
pub struct Slice {
    pub limit: i64,
    pub offset: i64,
}

impl From<crate::web::pagination::PageRequest> for Slice {
    fn from(p: crate::web::pagination::PageRequest) -> Self {
        Slice { limit: p.limit(), offset: p.offset() }
    }
}

/// `SELECT {columns} FROM {from} {filter} ORDER BY {order}` for one slice, and the
/// total the filter selects.
pub fn page<T>(
    c: &Connection,
    columns: &str,
    from: &str,
    filter: &Filter,
    order: &str,
    slice: Slice,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<(Vec<T>, i64)> {
    let w = filter.where_sql();
    let total: i64 =
        c.query_row(&format!("SELECT COUNT(*) FROM {from} {w}"), rusqlite::params_from_iter(filter.params()), |r| {
            r.get(0)
        })?;
    let n = filter.params().len();
    let sql = format!("SELECT {columns} FROM {from} {w} ORDER BY {order} LIMIT ?{} OFFSET ?{}", n + 1, n + 2);
    let mut params: Vec<Value> = filter.params().to_vec();
    params.push(Value::Integer(slice.limit));
    params.push(Value::Integer(slice.offset));
    let mut s = c.prepare_cached(&sql)?;
    let rows = s.query_map(rusqlite::params_from_iter(params.iter()), map)?.collect::<Result<Vec<_>, _>>()?;
    Ok((rows, total))
}

/// `x` as a LIKE pattern matching it anywhere, with LIKE's wildcards escaped.
pub fn like_pattern(x: &str) -> String {
    let escaped = x.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_across_conditions() {
        let mut f = Filter::new();
        f.eq("a", Some(1))
            .contains(&["b", "c"], Some("x_y"))
            .eq("d", None::<i64>)
            .and("e BETWEEN ? AND ?", [Value::Integer(2), Value::Integer(3)]);
        assert_eq!(
            f.where_sql(),
            "WHERE a = ?1 AND (b LIKE ?2 ESCAPE '\\' OR c LIKE ?2 ESCAPE '\\') AND e BETWEEN ?3 AND ?4"
        );
        assert_eq!(f.params().len(), 4);
        assert_eq!(f.params()[1], Value::Text("%x\\_y%".into()));
    }

    #[test]
    fn pages_count_the_whole_selection() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1),(2),(3),(4),(5);").unwrap();
        let mut f = Filter::new();
        f.and("n > ?", [Value::Integer(1)]);
        let (rows, total) =
            page(&c, "n", "t", &f, "n DESC", Slice { limit: 2, offset: 1 }, |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!((rows, total), (vec![4, 3], 4));
    }
}
