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

use crate::db::Db;
use crate::store::{self, SessionRow, MAX_PER_QUERY};
use common::Problem;
use http::StatusCode;
use parking_lot::Mutex;
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
    /// One batch at a time.
    lane: tokio::sync::Mutex<()>,
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
        Lookups(Arc::new(Shared {
            db,
            open: Mutex::new(None),
            lane: tokio::sync::Mutex::new(()),
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
        let waited = tokio::time::timeout(self.0.deadline, answers.wait_for(Option::is_some)).await;
        let answered = waited
            .map_err(|_| busy())?
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
    pub async fn hold(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.0.lane.lock().await
    }
}

async fn run(shared: Arc<Shared>, batch: Arc<Batch>) {
    let _lane = shared.lane.lock().await;
    // Close the batch: from now on, new requests open the next one.
    {
        let mut open = shared.open.lock();
        if open.as_ref().is_some_and(|o| Arc::ptr_eq(o, &batch)) {
            *open = None;
        }
    }
    let keys: Vec<String> = std::mem::take(&mut *batch.keys.lock())
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    shared
        .largest
        .fetch_max(keys.len() as u64, Ordering::Relaxed);
    let mut found = HashMap::with_capacity(keys.len());
    let mut outcome = Ok(());
    for chunk in keys.chunks(MAX_PER_QUERY) {
        shared.queries.fetch_add(1, Ordering::Relaxed);
        match store::find_many(&shared.db, chunk).await {
            Ok(rows) => found.extend(rows),
            Err(problem) => {
                outcome = Err(problem);
                break;
            }
        }
    }
    let answers = outcome.map(|()| Arc::new(found));
    batch.answers.send_replace(Some(answers));
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
