package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// maxStatements bounds the prepared statements kept; the store's queries
// are a fixed set of well under this many.
const maxStatements = 1000

// statements prepares each query once per connection: SQLite's parser is
// a large part of what a small query costs.
type statements struct {
	db *sql.DB

	mu       sync.RWMutex
	prepared map[string]*sql.Stmt // guarded by mu; by query text
}

// get returns query prepared, or nil when it cannot be kept (it is then
// run unprepared, which reports any error in it).
func (p *statements) get(ctx context.Context, query string) *sql.Stmt {
	p.mu.RLock()
	st, ok := p.prepared[query]
	p.mu.RUnlock()
	if ok {
		return st
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, ok := p.prepared[query]; ok {
		return st
	}
	if len(p.prepared) >= maxStatements {
		return nil
	}
	st, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.prepared[query] = st
	return st
}

func (p *statements) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, st := range p.prepared {
		st.Close()
	}
	clear(p.prepared)
}

// conn is what the store's queries run on: the database, or one of its
// transactions when tx is set, with prepared statements. Each query is a
// single statement. Outside a transaction, a statement that writes
// (ExecContext) runs through the writer, like every write.
type conn struct {
	statements *statements
	tx         *sql.Tx
	writer     *writer // outside a transaction
	// ctx, when set, replaces the context each query is given: the
	// writer's transactions run to their end whatever their callers do.
	ctx context.Context
}

func (c conn) stmt(ctx context.Context, query string) *sql.Stmt {
	st := c.statements.get(ctx, query)
	if st != nil && c.tx != nil {
		st = c.tx.StmtContext(ctx, st)
	}
	return st
}

// QueryRowContext runs a query that returns at most one row.
func (c conn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if c.ctx != nil {
		ctx = c.ctx
	}
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	if c.tx != nil {
		return c.tx.QueryRowContext(ctx, query, args...)
	}
	return c.statements.db.QueryRowContext(ctx, query, args...)
}

// QueryContext runs a query that returns rows.
func (c conn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if c.ctx != nil {
		ctx = c.ctx
	}
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	if c.tx != nil {
		return c.tx.QueryContext(ctx, query, args...)
	}
	return c.statements.db.QueryContext(ctx, query, args...)
}

// ExecContext runs a statement that returns no rows.
func (c conn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if c.tx == nil && c.writer != nil {
		var res sql.Result
		err := c.writer.do(ctx, func(tx conn) error {
			var err error
			res, err = tx.ExecContext(ctx, query, args...)
			return err
		})
		return res, err
	}
	if c.ctx != nil {
		ctx = c.ctx
	}
	if st := c.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	if c.tx != nil {
		return c.tx.ExecContext(ctx, query, args...)
	}
	return c.statements.db.ExecContext(ctx, query, args...)
}
