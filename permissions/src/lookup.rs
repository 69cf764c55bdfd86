//! Many requests, one query: session lookups that arrive together are
//! answered by one database query.
//!
//! Every request needs its session row (and its user's permissions) from
//! the database: that is what makes a logout or a revoked permission count
//! on the very next request. Under load, one query per request makes the
//! database round trip the bottleneck. So lookups are coalesced: a request
//! adds its session to the *open batch*; batches run one after another; a
//! batch closes when its query starts, and requests arriving meanwhile
//! open the next one.
//!
//! Freshness is kept exactly: a request's key joins only a batch whose
//! query has not started yet, so the query it is answered by began after
//! the request arrived, and sees everything committed before it.
//!
//! Bounded both ways: a batch closes at [`MAX_PER_QUERY`] keys (a flood of
//! random session ids makes more batches, never a bigger one), and a
//! request waits at most [`DEADLINE`] for its answer, then gets 503.

use crate::db::{unavailable, Db};
use crate::store::{self, SessionRow, MAX_PER_QUERY};
use common::Problem;
use http::StatusCode;
use parking_lot::Mutex;
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

type Answers = Result<Arc<HashMap<String, SessionRow>>, Problem>;

/// How long a request waits for its session before it is told to retry:
/// a little over the pool's own wait for a connection.
pub const DEADLINE: Duration = Duration::from_secs(5);

/// The session lookups of one process.
#[derive(Debug, Clone)]
pub struct Lookups(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    db: Db,
    /// The batch still taking keys, if any.
    open: Mutex<Option<Arc<Batch>>>,
    /// One batch at a time, and the connection batches use, kept between
    /// them: sqlx pings a connection when the pool hands it out and again
    /// when it is given back, each a round trip as long as the query's
    /// (to SQLite's worker thread, or over the network to PostgreSQL).
    /// Detached from the pool, which opens another in its place; other
    /// queries keep the pool's pings, which replace a connection that
    /// broke while idle (a restarted database server) before it is used.
    lane: tokio::sync::Mutex<Option<AnyConnection>>,
    /// Whether the pool has connections to spare for one kept here (not
    /// an in-memory database's only one).
    keeps_a_connection: bool,
    /// How many queries have run: for the tests and the curious.
    queries: AtomicU64,
    /// The most keys a batch has held.
    largest: AtomicU64,
    deadline: Duration,
}

#[derive(Debug)]
struct Batch {
    keys: Mutex<Vec<String>>,
    answers: watch::Sender<Option<Answers>>,
}

impl Lookups {
    pub fn new(db: Db) -> Lookups {
        Lookups::with_deadline(db, DEADLINE)
    }

    /// Lookups whose requests wait at most `deadline`.
    pub fn with_deadline(db: Db, deadline: Duration) -> Lookups {
        let keeps_a_connection = db.pool.options().get_max_connections() > 1;
        Lookups(Arc::new(Shared {
            db,
            open: Mutex::new(None),
            lane: tokio::sync::Mutex::new(None),
            keeps_a_connection,
            queries: AtomicU64::new(0),
            largest: AtomicU64::new(0),
            deadline,
        }))
    }

    /// The session with this id hash, as of a query that started after
    /// this call.
    pub async fn find(&self, id_hash: &str) -> Result<Option<SessionRow>, Problem> {
        let (batch, mut answers, opened) = {
            let mut open = self.0.open.lock();
            let opened = open.is_none();
            let batch = open
                .get_or_insert_with(|| {
                    Arc::new(Batch {
                        keys: Mutex::new(Vec::new()),
                        answers: watch::Sender::new(None),
                    })
                })
                .clone();
            let full = {
                let mut keys = batch.keys.lock();
                keys.push(id_hash.to_string());
                keys.len() >= MAX_PER_QUERY
            };
            if full {
                // The next request opens another batch.
                *open = None;
            }
            let answers = batch.answers.subscribe();
            (batch, answers, opened)
        };
        if opened {
            // The batch's query runs in a task of its own: a request that
            // is dropped (its client went away) cannot strand the others.
            tokio::spawn(run(self.0.clone(), batch));
        }
        // No timer of its own: its batch answers within the deadline.
        let answered = answers
            .wait_for(Option::is_some)
            .await
            .map_err(|_| lost())?
            .clone()
            .unwrap_or_else(|| Err(lost()));
        Ok(answered?.get(id_hash).cloned())
    }

    /// How many queries the lookups have made so far.
    pub fn queries(&self) -> u64 {
        self.0.queries.load(Ordering::Relaxed)
    }

    /// The most keys one batch has held so far.
    pub fn largest_batch(&self) -> u64 {
        self.0.largest.load(Ordering::Relaxed)
    }

    /// Holds the lane, as a long query would: no batch runs until the
    /// guard is dropped. For the tests of the bounds.
    pub async fn hold(&self) -> tokio::sync::MutexGuard<'_, Option<AnyConnection>> {
        self.0.lane.lock().await
    }
}

/// How many turns of the scheduler a batch waits, at most, while it grows.
const MAX_YIELDS: usize = 16;

/// Runs a batch: its answers, or [`busy`] when they are not ready within
/// the deadline (one timer a batch, not one a request: in a profile at
/// 50,000 requests a second, timers took about 5 % of the samples).
async fn run(shared: Arc<Shared>, batch: Arc<Batch>) {
    let answers = tokio::time::timeout(shared.deadline, answer(&shared, &batch))
        .await
        .unwrap_or_else(|_| Err(busy()));
    // Closed in any case: a batch that timed out waiting for the lane must
    // not take new requests, which would get its 503 at once.
    close(&shared, &batch);
    batch.answers.send_replace(Some(answers));
}

/// From now on, new requests open the next batch.
fn close(shared: &Shared, batch: &Arc<Batch>) {
    let mut open = shared.open.lock();
    if open.as_ref().is_some_and(|o| Arc::ptr_eq(o, batch)) {
        *open = None;
    }
}

async fn answer(shared: &Shared, batch: &Arc<Batch>) -> Answers {
    let mut lane = shared.lane.lock().await;
    // Requests this worker has already read may be about to join: let
    // them, while the batch grows. Under load a batch then holds tens of
    // requests, not a few, for the same one query; idle, it costs one
    // turn of the scheduler.
    for _ in 0..MAX_YIELDS {
        let before = batch.keys.lock().len();
        tokio::task::yield_now().await;
        if batch.keys.lock().len() == before {
            break;
        }
    }
    close(shared, batch);
    let keys: Vec<String> = std::mem::take(&mut *batch.keys.lock())
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    shared
        .largest
        .fetch_max(keys.len() as u64, Ordering::Relaxed);
    if !shared.keeps_a_connection {
        // An in-memory database's only connection: borrowed, given back.
        let mut borrowed = shared.db.pool.acquire().await.map_err(unavailable)?;
        return query(shared, &mut borrowed, &keys).await;
    }
    let mut connection = match lane.take() {
        Some(kept) => kept,
        None => shared
            .db
            .pool
            .acquire()
            .await
            .map_err(unavailable)?
            .detach(),
    };
    // On an error the connection is dropped, closed; the next batch takes
    // another.
    let answers = query(shared, &mut connection, &keys).await?;
    *lane = Some(connection);
    Ok(answers)
}

async fn query(shared: &Shared, connection: &mut AnyConnection, keys: &[String]) -> Answers {
    let mut found = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(MAX_PER_QUERY) {
        shared.queries.fetch_add(1, Ordering::Relaxed);
        found.extend(store::find_many(&mut *connection, chunk).await?);
    }
    Ok(Arc::new(found))
}

fn busy() -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "The database is too busy to look the session up. Try again.",
    )
}

fn lost() -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "The session lookup was interrupted. Try again.",
    )
}
