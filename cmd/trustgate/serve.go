package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustgate/trustgate/datadir"
	"github.com/trustgate/trustgate/internal/http1"
	"github.com/trustgate/trustgate/internal/jsonlog"
	"github.com/trustgate/trustgate/internal/tlscert"
	"github.com/trustgate/trustgate/server"
	"github.com/trustgate/trustgate/store/cache"
)

// serveOptions are the flags of `trustgate serve`.
type serveOptions struct {
	Listen string
	Data   string
	Region string
	// TLS serves HTTPS with a certificate trustgate makes and keeps in
	// the data directory; TLSCert and TLSKey, with the operator's.
	TLS             bool
	TLSCert, TLSKey string
	// ready, when set, is called with the address once the server
	// listens (tests listen on port 0).
	ready func(addr string)
	// lifecycleTicks, when set, replaces the hourly clock of the
	// lifecycle runs: each time received is the moment a run applies the
	// rules as of, and lifecycleRan hears when it is done.
	lifecycleTicks <-chan time.Time
	lifecycleRan   chan<- int
	// accessLogTicks, when set, replaces the clock of the deliveries of
	// server access logs, and accessLogsDelivered hears each one's count.
	accessLogTicks      <-chan time.Time
	accessLogsDelivered chan<- int
	// replicationTicks, when set, replaces what starts the replication
	// runs (a write to replicate, and a retry clock), and replicationRan
	// hears each run's count of versions settled.
	replicationTicks <-chan time.Time
	replicationRan   chan<- int
}

func serveCommand() *cobra.Command {
	o := serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve Organizations, IAM, STS and S3 on one endpoint",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			if _, set := os.LookupEnv("GOGC"); !set {
				debug.SetGCPercent(gcPercent)
			}
			return serve(ctx, o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&o.Listen, "listen", "127.0.0.1:4600", "address to listen on")
	cmd.Flags().StringVar(&o.Data, "data", "./trustgate-data", "data directory (embedded store)")
	cmd.Flags().StringVar(&o.Region, "region", "us-east-1", "the region trustgate answers as")
	cmd.Flags().BoolVar(&o.TLS, "tls", false, "serve HTTPS with a self-signed certificate kept in the data directory (trust it with AWS_CA_BUNDLE)")
	cmd.Flags().StringVar(&o.TLSCert, "tls-cert", "", "serve HTTPS with this PEM certificate (chain), with --tls-key")
	cmd.Flags().StringVar(&o.TLSKey, "tls-key", "", "the PEM private key of --tls-cert")
	cmd.MarkFlagsRequiredTogether("tls-cert", "tls-key")
	cmd.MarkFlagsMutuallyExclusive("tls", "tls-cert")
	return cmd
}

// gcPercent is the garbage collector's target unless GOGC says otherwise.
// The server's live heap is small (caches and compiled policies), so Go's
// default of 100 collects very often for little: 300 costs a few MiB and
// saves about a tenth of the CPU of a small request (BENCHMARKS.md).
const gcPercent = 300

// serve runs the server until ctx is done, then shuts down gracefully.
// The banner goes to out, the request log (JSON lines) to logs.
func serve(ctx context.Context, o serveOptions, out, logs io.Writer) error {
	log := slog.New(jsonlog.New(logs))
	dir, err := datadir.Open(ctx, o.Data, time.Now())
	if err != nil {
		return fmt.Errorf("opening data directory %s: %w", o.Data, err)
	}
	defer dir.Close()
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w (is another trustgate running? choose another --listen)", o.Listen, err)
	}
	scheme, caBundle := "http", ""
	if o.TLS || o.TLSCert != "" {
		var cert tls.Certificate
		if cert, caBundle, err = certificate(o, dir, ln.Addr()); err != nil {
			ln.Close()
			return err
		}
		ln, scheme = tls.NewListener(ln, tlscert.Config(cert)), "https"
	}
	// The store closes only once the work in the background has stopped:
	// the sweep of orphaned bodies, any lifecycle run, delivery of access
	// logs or replication under way.
	var background sync.WaitGroup
	defer background.Wait()
	backgroundCtx, stopBackground := context.WithCancel(ctx)
	defer stopBackground()
	background.Go(func() { sweepBlobs(backgroundCtx, dir, log) })
	handler, err := server.New(server.Config{Store: cache.New(dir.Store), Blobs: dir.Blobs, Log: log, Region: o.Region, Key: dir.Key})
	if err != nil {
		return err
	}
	background.Go(func() { runLifecycle(backgroundCtx, o, handler, log) })
	background.Go(func() { deliverAccessLogs(backgroundCtx, o, handler, log) })
	background.Go(func() { runReplication(backgroundCtx, o, handler, log) })
	srv := &http1.Server{Handler: handler, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, ErrorLog: log}
	endpoint := scheme + "://" + ln.Addr().String()
	printBanner(out, o, dir, endpoint, caBundle)
	if o.ready != nil {
		o.ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "endpoint", endpoint)
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	// The requests answered until now, the last ones of the drain
	// included, are in the last delivery of access logs.
	if _, derr := handler.DeliverAccessLogs(context.Background(), time.Now()); derr != nil {
		log.Error("delivering server access logs", "err", derr)
	}
	if err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// certificate is the HTTPS certificate of a server listening on addr:
// the operator's, or the one trustgate keeps in its data directory for
// localhost, its subdomains (a bucket's virtual host) and the address it
// listens on, whose path it returns to be trusted as a CA bundle.
func certificate(o serveOptions, dir *datadir.Dir, addr net.Addr) (cert tls.Certificate, caBundle string, err error) {
	if o.TLSCert != "" {
		cert, err = tlscert.Load(o.TLSCert, o.TLSKey)
		return cert, "", err
	}
	hosts := []string{"localhost", "*.localhost", "127.0.0.1", "::1"}
	if host, _, err := net.SplitHostPort(addr.String()); err == nil && !net.ParseIP(host).IsUnspecified() {
		hosts = append(hosts, host)
	} else if name, err := os.Hostname(); err == nil {
		hosts = append(hosts, name)
	}
	return tlscert.SelfSigned(filepath.Join(dir.Path, "tls"), hosts, time.Now())
}

// lifecycleEvery is how often the buckets' lifecycle rules are applied.
// S3 applies them once a day, at a time of its choosing; applying them
// every hour carries out each action within an hour of its due time.
const lifecycleEvery = time.Hour

// runLifecycle applies the buckets' lifecycle rules at the start and
// then every lifecycleEvery (or on each of o's ticks), until ctx ends.
func runLifecycle(ctx context.Context, o serveOptions, handler *server.Server, log *slog.Logger) {
	periodically(ctx, lifecycleEvery, o.lifecycleTicks, true, o.lifecycleRan, func(now time.Time) int {
		n, err := handler.ApplyLifecycle(ctx, now)
		if err != nil && ctx.Err() == nil {
			log.Error("applying lifecycle rules", "err", err)
		}
		if n > 0 {
			log.Info("applied lifecycle rules", "removed", n)
		}
		return n
	})
}

// accessLogsEvery is how often server access logs are delivered; S3
// delivers within a few hours, trustgate sooner, for tests that read them.
const accessLogsEvery = time.Minute

// deliverAccessLogs writes the server access logs kept every
// accessLogsEvery (or on each of o's ticks), until ctx ends; serve
// delivers a last time once it has stopped answering.
func deliverAccessLogs(ctx context.Context, o serveOptions, handler *server.Server, log *slog.Logger) {
	periodically(ctx, accessLogsEvery, o.accessLogTicks, false, o.accessLogsDelivered, func(now time.Time) int {
		n, err := handler.DeliverAccessLogs(ctx, now)
		if err != nil && ctx.Err() == nil {
			log.Error("delivering server access logs", "err", err)
		}
		return n
	})
}

// replicationRetryEvery is how often the versions left pending by a
// failed replication run are tried again.
const replicationRetryEvery = 30 * time.Second

// runReplication replicates the S3 versions pending replication: those a
// stop left at the start, then each write's as soon as it is made, until
// ctx ends. A run that fails leaves its versions pending for the next.
func runReplication(ctx context.Context, o serveOptions, handler *server.Server, log *slog.Logger) {
	if o.replicationTicks != nil {
		periodically(ctx, 0, o.replicationTicks, false, o.replicationRan, func(time.Time) int {
			n, err := handler.Replicate(ctx)
			if err != nil && ctx.Err() == nil {
				log.Error("replicating objects", "err", err)
			}
			return n
		})
		return
	}
	retry := time.NewTicker(replicationRetryEvery)
	defer retry.Stop()
	for {
		if _, err := handler.Replicate(ctx); err != nil && ctx.Err() == nil {
			log.Error("replicating objects", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-handler.ReplicationQueued():
		case <-retry.C:
		}
	}
}

// periodically runs work every period, first at the start when atStart,
// until ctx ends; ticks, when a test sets them, replace the clock, and
// heard, when set, hears each run's count.
func periodically(ctx context.Context, period time.Duration, ticks <-chan time.Time, atStart bool, heard chan<- int, work func(now time.Time) int) {
	run := func(now time.Time) bool {
		n := work(now)
		if heard == nil {
			return true
		}
		select {
		case heard <- n:
			return true
		case <-ctx.Done():
			return false
		}
	}
	if ticks == nil {
		if atStart && !run(time.Now()) {
			return
		}
		ticker := time.NewTicker(period)
		defer ticker.Stop()
		ticks = ticker.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case now, ok := <-ticks:
			if !ok || !run(now) {
				return
			}
		}
	}
}

// orphanAge is how old a blob no object names must be before a start
// removes it: younger ones may be writes in progress.
const orphanAge = time.Hour

// sweepBlobs removes, in the background, the object bodies a crash left
// behind: written but never recorded, or half written.
func sweepBlobs(ctx context.Context, dir *datadir.Dir, log *slog.Logger) {
	inUse, err := dir.Store.BlobsInUse(ctx)
	if err != nil {
		log.Error("sweeping orphaned object bodies", "err", err)
		return
	}
	n, err := dir.Blobs.Sweep(func(id string) bool { return inUse[id] }, orphanAge, time.Now())
	if err != nil {
		log.Error("sweeping orphaned object bodies", "err", err)
	}
	if n > 0 {
		log.Info("removed orphaned object bodies", "count", n)
	}
}

// trustLine is the banner's line that makes clients trust trustgate's
// own certificate, when it serves one.
func trustLine(caBundle string) string {
	if caBundle == "" {
		return ""
	}
	return "  export AWS_CA_BUNDLE=" + caBundle + "\n"
}

func printBanner(w io.Writer, o serveOptions, dir *datadir.Dir, endpoint, caBundle string) {
	creds := filepath.Join(dir.Path, datadir.RootCredentialsFile)
	state := "reusing"
	if dir.Created {
		state = "created"
	}
	root, err := datadir.ReadRootCredentials(dir.Path)
	if err != nil {
		fmt.Fprintf(w, "trustgate: cannot read %s: %v\n", creds, err)
		root = &datadir.RootCredentials{AccessKeyId: "<see " + creds + ">", SecretAccessKey: "<see " + creds + ">"}
	}
	fmt.Fprintf(w, `trustgate serving on %s (%s organization %s, management account %s)
Root credentials of the management account: %s

Point the aws CLI (--endpoint-url for CLI v2), boto3 and the SDKs at it:
  export AWS_ENDPOINT_URL=%s
  export AWS_ACCESS_KEY_ID=%s
  export AWS_SECRET_ACCESS_KEY=%s
  export AWS_DEFAULT_REGION=%s
%s  aws --endpoint-url %s sts get-caller-identity

or as a profile in ~/.aws/credentials:
  [trustgate]
  aws_access_key_id = %s
  aws_secret_access_key = %s

The root user can do anything in its account but cannot assume roles:
create an IAM user for that, as in AWS.
`, endpoint, state, dir.Org.ID, dir.Org.ManagementAccount, creds,
		endpoint, root.AccessKeyId, root.SecretAccessKey, o.Region, trustLine(caBundle), endpoint,
		root.AccessKeyId, root.SecretAccessKey)
}
