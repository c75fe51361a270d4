package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// maxBatch bounds the writes one commit carries.
const maxBatch = 64

// writer runs every write of the store, one goroutine on one connection.
// It begins and ends its transactions itself, with SQL, rather than as
// database/sql transactions, which start a goroutine per transaction and
// one per query to watch contexts the writer does not heed.
//
// SQLite lets one connection write at a time; writers on several
// connections contend for its lock, and a loser sleeps and retries, at a
// cost in CPU and latency that grows with the load. Through the writer,
// writes queue in Go instead. And since a commit waits for its sync to
// disk, the writes that queued meanwhile are committed together, in one
// transaction with one sync (group commit), each in a savepoint of its
// own so that one write's failure undoes it alone. A write is answered
// only once its commit is durable, as before.
type writer struct {
	conn  *sql.Conn
	stmts *statements
	queue chan *write
	done  chan struct{}

	mu     sync.RWMutex // held to queue a write, and to close
	closed bool         // guarded by mu

	commits atomic.Int64 // transactions committed, for tests
}

// write is one queued write and where its result goes.
type write struct {
	fn     func(conn) error
	result chan error
}

// errClosed answers a write queued after Close.
var errClosed = errors.New("the store is closed")

func newWriter(db *sql.DB) (*writer, error) {
	c, err := db.Conn(context.Background())
	if err != nil {
		return nil, err
	}
	w := &writer{conn: c, stmts: &statements{db: c, prepared: map[string]*sql.Stmt{}}, queue: make(chan *write, maxBatch), done: make(chan struct{})}
	go w.run()
	return w, nil
}

// do runs fn in a transaction and returns once it is committed or undone.
// fn's statements run to their end even if ctx ends meanwhile (they may
// share the transaction with other writes); ctx only stops a write that
// has not been queued yet.
func (w *writer) do(ctx context.Context, fn func(conn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	wr := &write{fn: fn, result: make(chan error, 1)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errClosed
	}
	select {
	case w.queue <- wr:
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	w.mu.RUnlock()
	// Once queued, the write may commit: wait for its outcome, so that a
	// caller never takes a committed write for a failed one.
	return <-wr.result
}

// close finishes the queued writes and stops the writer.
func (w *writer) close() error {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	<-w.done
	w.stmts.close()
	return w.conn.Close()
}

func (w *writer) run() {
	defer close(w.done)
	batch := make([]*write, 0, maxBatch)
	for first := range w.queue {
		batch = append(batch[:0], first)
	gather:
		for len(batch) < maxBatch {
			select {
			case next, ok := <-w.queue:
				if !ok {
					break gather
				}
				batch = append(batch, next)
			default:
				break gather
			}
		}
		errs := w.commit(batch)
		for i, wr := range batch {
			wr.result <- errs[i]
		}
	}
}

// commit runs a batch of writes in one transaction and returns the
// outcome of each.
func (w *writer) commit(batch []*write) []error {
	errs := make([]error, len(batch))
	fail := func(err error) []error {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs
	}
	ctx := context.Background() // see do: writes are not interrupted
	// Through c, every statement here is prepared once.
	c := conn{statements: w.stmts, ctx: ctx}
	// rollback ends the transaction after a failure. Its own error is of
	// no use: SQLite may have undone the transaction already.
	rollback := func() { c.ExecContext(ctx, "ROLLBACK") }
	if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		// Should a transaction ever be left open, end it rather than fail
		// every write from here on.
		rollback()
		if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			return fail(err)
		}
	}
	if len(batch) == 1 {
		// Alone, a write needs no savepoint: its failure undoes the whole.
		if errs[0] = run(batch[0].fn, c); errs[0] != nil {
			rollback()
			return errs
		}
	} else {
		for i, wr := range batch {
			if _, err := c.ExecContext(ctx, "SAVEPOINT write"); err != nil {
				rollback()
				return fail(err)
			}
			if errs[i] = run(wr.fn, c); errs[i] != nil {
				// Undo this write alone. If SQLite already undid the whole
				// transaction (as it may on I/O errors), every write fails.
				if _, err := c.ExecContext(ctx, "ROLLBACK TO write"); err != nil {
					rollback()
					return fail(fmt.Errorf("undoing a failed write (%v): %w", errs[i], err))
				}
			}
			if _, err := c.ExecContext(ctx, "RELEASE write"); err != nil {
				rollback()
				return fail(err)
			}
		}
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		// A commit refused (a deferred foreign key, say) leaves the
		// transaction open.
		rollback()
		return fail(err)
	}
	w.commits.Add(1)
	return errs
}

// run calls fn, turning a panic into its error so that one bad write
// cannot stop the writer that every write waits on.
func run(fn func(conn) error, c conn) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("store write panicked: %v", r)
		}
	}()
	return fn(c)
}
