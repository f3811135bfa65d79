// Command ferretdb runs FerretDB v1 (MongoDB wire protocol on PostgreSQL) for local CineMesh runs.
//
// It embeds the github.com/FerretDB/FerretDB/ferretdb package because the
// upstream cmd/ferretdb panics when built with `go build` (no version file).
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"net/http"
	_ "net/http/pprof" // the Go profiler's handlers, on -pprof-addr only
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	pgURL := flag.String("postgresql-url", "postgres://ferretdb:ferretdb@127.0.0.1:5432/ferretdb", "PostgreSQL URL")
	pprofAddr := flag.String("pprof-addr", "", "loopback address serving net/http/pprof (empty: none)")
	flag.Parse()

	if *pprofAddr != "" {
		go func() {
			// A profiler that cannot listen is logged, never fatal: the database serves on.
			log.Printf("pprof on %s: %v", *pprofAddr, http.ListenAndServe(*pprofAddr, nil))
		}()
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Logger:        logger,
		Handler:       "postgresql",
		PostgreSQLURL: *pgURL,
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}
