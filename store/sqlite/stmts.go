package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// maxStatements bounds the prepared statements kept; the store's queries
// are a fixed set of well under this many.
const maxStatements = 1000

// database is what statements run on: the pool of connections (*sql.DB)
// or the writer's own connection (*sql.Conn).
type database interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// statements prepares each query once per connection: SQLite's parser is
// a large part of what a small query costs.
type statements struct {
	db database

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

// conn is what the store's queries run on, with prepared statements: the
// pool of readers, or within the writer its connection, in a transaction.
// Each query is a single statement. On the readers (writer set), a
// statement that writes (ExecContext) runs through the writer, like every
// write.
type conn struct {
	statements *statements
	writer     *writer // on the readers
	// ctx, when set, replaces the context each query is given: the
	// writer's transactions run to their end whatever their callers do.
	ctx context.Context
}

func (c conn) stmt(ctx context.Context, query string) *sql.Stmt {
	return c.statements.get(ctx, query)
}

// QueryRowContext runs a query that returns at most one row.
func (c conn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if c.ctx != nil {
		ctx = c.ctx
	}
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
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
	return c.statements.db.QueryContext(ctx, query, args...)
}

// ExecContext runs a statement that returns no rows.
func (c conn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if c.writer != nil {
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
	return c.statements.db.ExecContext(ctx, query, args...)
}
