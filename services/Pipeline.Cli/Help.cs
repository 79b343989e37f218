namespace WildlifeWatch.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int MissingBrowser = 3;
    public const int EvidenceMismatch = 4;
    public const int Cancelled = 130;
}

internal static class Help
{
    public static int Print()
    {
        Console.WriteLine("""
            pipeline — Wildlife Trade Watch: find wildlife products offered online, keep the evidence, alert investigators.

            Usage: pipeline <command> [options]

              run       Run all five stages in this process (in-memory bus, SQLite) and crawl until done.
                        Without --seeds it serves the bundled demo marketplace on 127.0.0.1 and crawls it.
                        --seeds FILE        YAML or JSON seeds file
                        --db PATH           SQLite file (default: Store:SqlitePath, else var/pipeline.db)
                        --crawl-id ID       start or resume this crawl (default: a new id)
                        --concurrency N     pages captured at once (default 3)
                        --threshold X       alert threshold 0..1 (default: Alerts:Threshold, 0.5)
                        --timeout MIN       give up after this many minutes (default 60)
                        --serve             after the crawl, serve the portal on 127.0.0.1:Portal:Port (5080)
                                            until Ctrl+C; prints the URL and the admin password
                        --verbose           log what every stage does
              demo      Serve the demo marketplace on 127.0.0.1 until Ctrl+C.
                        --port N            port (default 5080; 0 picks a free one)
              verify    Re-hash the stored evidence of a crawl and report any mismatch (recorded in the audit log).
                        --db PATH           SQLite file (default: the store of Store:Provider, SQLite or MongoDB)
                        --crawl-id ID       crawl to verify (default: the newest)
              purge     Delete the raw artifacts of settled captures that raised no alert (audited).
                        --older-than-days N captures older than N days; alerted evidence is always kept
                        --db PATH           SQLite file (default: the store of Store:Provider)
              show      One listing with its lexicon hits, scores, alert and evidence hashes (the view is audited).
                        --listing ID        the listing
                        --db PATH           SQLite file (default: the store of Store:Provider)
              export    Write an evidence package: a ZIP with each listing's captures (HTML, text, screenshot,
                        capture manifest), its extracted JSON, a manifest with the SHA-256 of every file and
                        the capture times, and the audit trail. Evidence whose hash no longer matches is refused.
                        --listing ID[,ID]   listings to export
                        --alerted           every alerted listing of the crawl (with --crawl-id, default newest)
                        --output FILE.zip   the package (--force replaces an existing file)
                        --case NAME         case name recorded in the manifest and the audit log
                        --db PATH           SQLite file (default: the store of Store:Provider)
              verify-package  Check an evidence package against its manifest.
                        --package FILE.zip  the package
                        --expect-sha256 HEX the manifest hash handed over with the package
              alerts subscribe  Create or reuse a durable alert queue bound by a filter, and print its alerts.
                        --species GROUP     species group (elephants, rhinoceroses, pangolins, ...); default any
                        --min-severity S    low, medium, high or critical (default low)
                        --country CC        --platform HOST   only alerts of that country / marketplace
                        --name NAME         subscription name (default: made from the filter)
                        --replace           drop and recreate the queue (to narrow an existing filter)
                        --max N             stop after N alerts   --idle-seconds S  stop after S s without one
                        --no-tail           only create the subscription
                        --rabbitmq URI      broker (default: RABBITMQ_URI)
                        --db PATH           also save it in this store (default: the store of Store:Provider,
                                            when there is one) for the daily digest and e-mail
              alerts digest  The digest of each stored subscription for one UTC day: counts by severity and
                        species and the top listings (the Alerts service sends it daily at Alerts__Digest__At).
                        --date YYYY-MM-DD   the day (default yesterday)
                        --send              e-mail each non-empty digest to its recipients (Alerts__Smtp__*), once
                        --db PATH           SQLite file (default: the store of Store:Provider)
              removals  Time to removal of watched listings per platform: first seen, first alert, removal time
                        and reason (404/410, "item removed" text, redirect to search or home); audited.
                        --platform HOST     one platform (host, with :port when not the default)
                        --removed-only      only the listings found removed
                        --db PATH           SQLite file (default: the store of Store:Provider)
              takedown  Takedown report of one platform: every alerted listing with its platform id, taxa, CITES
                        appendix, capture time, evidence hashes (screenshot, WARC, manifest), alert severity and
                        score, and status live/removed with removal time and time to removal; audited.
                        --platform HOST     the platform (host, with :port when not the default)
                        --format csv|json   default csv (RFC 4180; formula-like cells are defused)
                        --out FILE          write to FILE (default stdout)
                        --since DATE        only alerts raised on or after DATE (e.g. 2026-11-01)
                        --db PATH           SQLite file (default: the store of Store:Provider)
              provenance declare  Record an owner's specimen provenance declaration (validated; audited).
                        --owner NAME  --contact EMAIL|PHONE  --specimen TEXT  --taxon NAME
                        --method captive-bred|pre-convention|inherited|purchased|imported-with-permit|other
                        --acquired YYYY-MM-DD  --country CC (ISO 3166-1)  --permit NUMBER (e.g. FR/2024/000123)
                        --listing ID[,ID]   listings the specimen is offered in
              provenance list  The declarations of a listing (or all); audited.
                        --listing ID  --json  --db PATH
              errors    List the messages in the pipeline's RabbitMQ _error queues (type, exception, time)
                        without consuming them.
                        --rabbitmq URI      broker (default: RABBITMQ_URI)
                        --queue NAME        one queue (wtw.extractor.page-captured or its _error queue)
                        --requeue           move the messages back to the queue they failed on
                        --max N             at most N messages per queue (default 1000)
              classify  Score JSON lines ({"id","title","description",...}) with the live model; one line out per listing:
                        id, score, alert, productType, taxa, modelVersion, reasons. Bad lines are reported and skipped.
                        --input FILE        listings ('-' for stdin)       --output FILE   scores (default stdout)
                        --model V|FILE      a registered version or a model file (default: the published live model)
                        --threshold X       alert threshold (default: Alerts:Threshold, 0.5)
              train     Cross-validate the trainers on data/training plus investigators' labels, train the best, print
                        the report, draw pr-curve.png and confusion-matrix.png, register the model in the store.
                        --data FILE  --folds N (5)  --trainer auto|lbfgs|sdca  --seed N  --report-dir DIR  --no-labels
              evaluate  The same report for one model on a labeled file, with the per-language quality gate.
                        --model V|FILE  --data FILE  --threshold X  --report-dir DIR
                        --shadow            compare the shadow challenger with the live model on the traffic both scored
              publish   pipeline publish V: make registered model V live; running classifiers swap it in (ModelPublished).
                        --shadow            run V as a challenger: scored and stored apart, never alerting
                        --retire-shadow     withdraw challenger V        --rabbitmq URI   broker (default: RABBITMQ_URI)
              label-queue  Unlabeled listings whose labels would help the model most (uncertain score, new terms).
                        --limit N (50)  --json
              export-training  The training data (corpus + labels) for data scientists.
                        --format csv|parquet  --output FILE  --data FILE  --no-labels
              Model verbs also take --db PATH (the store) and --models DIR (model cache, default Classifier:ModelDirectory).
              status    Every pipeline queue: messages, consumers, rates and the size of its _error queue.
                        --rabbitmq URI      broker (default: RABBITMQ_URI)
                        --management URL    management API, e.g. http://127.0.0.1:15672/ (default:
                                            RABBITMQ_MANAGEMENT_URI; without it: passive declares over AMQP)
                        --watch             refresh as a live table until Ctrl+C
                        --interval SEC      seconds between refreshes (default 5)
              portal-hash-password  Read a password on standard input; print its PBKDF2 hash for Portal__Users__N__PasswordHash.
              portal-api-key        Make a screening API key; print it once and its SHA-256 for Portal__ApiKeys__N__KeyHash.

            Every setting is also read from appsettings.json and environment variables
            (for example Store__SqlitePath, Fetcher__ExecutablePath, PLAYWRIGHT_CHROMIUM_EXECUTABLE, RABBITMQ_URI).
            Exit codes: 0 ok, 1 failed, 2 usage, 3 no browser, 4 evidence mismatch, 130 cancelled.
            """);
        return ExitCodes.Ok;
    }
}
