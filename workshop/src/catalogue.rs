//! The exercises, in lesson order: exercise N is `EXERCISES[N - 1]`.
//!
//! Each one is a defence that a stage's README teaches, marked in the real
//! code by two comment lines, `// >>> exercise: <slug>` above it and
//! `// <<< exercise: <slug>` below. Starting an exercise puts a `todo!`
//! between them; the exercise's test (already part of the stage's suite)
//! fails until the learner writes the defence back.

/// One exercise.
#[derive(Debug)]
pub struct Exercise {
    /// The name in the markers: `// >>> exercise: state`.
    pub slug: &'static str,
    /// The crate it belongs to, and the one its test runs in.
    pub stage: &'static str,
    pub title: &'static str,
    /// The file holding the markers, from the workspace's root.
    pub file: &'static str,
    /// What the learner is to write, printed at `start`.
    pub task: &'static str,
    /// The first goes into the `todo!`; the second is `hint`'s.
    pub hints: [&'static str; 2],
    /// What a learner who leaves the defence out might write instead: it
    /// compiles, and the exercise's test must fail with it. CI checks
    /// both (`tests/exercises.rs`), so that a test which stops noticing
    /// the missing defence fails CI.
    pub without: &'static str,
    /// Where the lesson explains it: a README, and its section.
    pub readme: &'static str,
    pub section: &'static str,
    /// The test that proves the defence, as cargo's arguments.
    pub test: &'static [&'static str],
    /// How long a learner takes, for WORKSHOP.md's agendas.
    pub minutes: u32,
}

/// Stage 3's tests run on SQLite and on PostgreSQL (`sqlite::name` and
/// `postgres::name`). A laptop has SQLite, so an exercise's check skips
/// the PostgreSQL ones; CI runs both in the full suite.
const POSTGRES_TESTS: &str = "postgres::";

pub const EXERCISES: &[Exercise] = &[
    Exercise {
        slug: "state",
        stage: "basic",
        title: "Is this callback the answer to my login? Compare the state",
        file: "basic/src/transaction.rs",
        task: "Write `Transaction::state_matches`: true only when the callback's `state` is exactly the one this login sent out.",
        hints: [
            "compare self.state with received, in constant time",
            "`subtle::ConstantTimeEq` compares byte slices without stopping at the first difference (`a.ct_eq(b)` gives a `Choice`; `bool::from` turns it into a bool). It needs equal lengths: compare those first.",
        ],
        without: "true",
        readme: "basic/README.md",
        section: "`state`: is this my login?",
        test: &["test", "-p", "basic", "--test", "callback"],
        minutes: 10,
    },
    Exercise {
        slug: "pkce-verifier",
        stage: "basic",
        title: "Prove it is the same client: send the PKCE verifier",
        file: "basic/src/callback.rs",
        task: "In `exchange`, send the login's PKCE verifier with the code. An empty verifier means a lab switched PKCE off: then send none.",
        hints: [
            "add the transaction's verifier to the token request, unless it is empty",
            "`request = request.set_pkce_verifier(PkceCodeVerifier::new(verifier));` The provider hashes it and compares the hash with the challenge sent at /login.",
        ],
        without: "",
        readme: "basic/README.md",
        section: "PKCE: is this the same client that started?",
        test: &["test", "-p", "basic", "--test", "callback"],
        minutes: 10,
    },
    Exercise {
        slug: "iss",
        stage: "basic",
        title: "Did the answer come from the provider I asked? Check iss",
        file: "basic/src/callback.rs",
        task: "In `check`, step 7c (unless a lab switched the check off): a callback with `iss` must name the transaction's issuer, or it is a 400. One without `iss` is a 400 only when the provider promises `iss` in every answer (`expected.promises_iss`). Report the comparison to the inspector.",
        hints: [
            "an iss must equal transaction.issuer; no iss is refused only when expected.promises_iss",
            "Inside `if app.lab.is_on(Defence::Issuer)`: compare `params.iss.as_deref()` with `Some(transaction.issuer.as_str())`, report `Decision::IssuerChecked { expected, received, matched }`, then `match received`: `Some(_)` not matched, or `None` while `expected.promises_iss`, is `Err(Problem::bad_request(...))`. Discord promises nothing and sends no `iss`: its logins must keep working.",
        ],
        without: "",
        readme: "basic/README.md",
        section: "`iss`: did the answer come from the provider I asked?",
        test: &["test", "-p", "basic", "--test", "callback"],
        minutes: 10,
    },
    Exercise {
        slug: "sealed-cookie",
        stage: "sessions",
        title: "Seal the session cookie: encrypted, not only signed",
        file: "sessions/src/session.rs",
        task: "Write `Session::to_cookie`: the session as JSON, sealed (encrypted and authenticated) into the session cookie, with the session's Max-Age.",
        hints: [
            "serialize the session and seal it with stage 1's cookies::seal",
            "`let json = serde_json::to_string(self).unwrap_or_default();` then `cookies::seal(keys, policy, SESSION_COOKIE, json, self.max_age())`. A signed cookie would let anyone holding it read the token: the test searches the cookie for it.",
        ],
        without: "let json = serde_json::to_string(self).unwrap_or_default();\ncrate::signed_cookie::sign_only(keys, policy, SESSION_COOKIE, json, self.max_age())",
        readme: "sessions/README.md",
        section: "Signed or encrypted?",
        test: &["test", "-p", "sessions", "--test", "session_cookie"],
        minutes: 10,
    },
    Exercise {
        slug: "session-over",
        stage: "sessions",
        title: "Refuse a session that is over: a week after login, or half a week unused",
        file: "sessions/src/session.rs",
        task: "Write `Session::is_over`: true a week after the login (logged_in_at), half a week after the cookie's last issue (issued_at), or when either time lies in the future.",
        hints: [
            "compare now with logged_in_at + SESSION_LIFETIME and issued_at + SESSION_IDLE",
            "Use `now.saturating_sub(self.logged_in_at) >= SESSION_LIFETIME.as_secs()` (and the same for issued_at and SESSION_IDLE): a plain `-` panics in a debug build when a time lies ahead. `common::clock::from_the_future(time, now)` says whether it does.",
        ],
        without: "false",
        readme: "sessions/README.md",
        section: "Two clocks",
        test: &["test", "-p", "sessions", "--test", "lifetime"],
        minutes: 15,
    },
    Exercise {
        slug: "logout-revokes",
        stage: "sessions",
        title: "Make logout end the grant at Discord",
        file: "sessions/src/logout.rs",
        task: "In `logout`, before the cookie is deleted: if the request holds a session (even one that is over), revoke its tokens at the provider.",
        hints: [
            "open the request's session and pass its tokens to revoke()",
            "`if let Some(session) = Session::in_request(app, cookies.as_deref())? { revoke(app, &session.access_token, session.refresh_token.as_deref()).await; }`",
        ],
        without: "",
        readme: "sessions/README.md",
        section: "Revocation and logout",
        test: &["test", "-p", "sessions", "--test", "logout"],
        minutes: 10,
    },
    Exercise {
        slug: "cross-site",
        stage: "sessions",
        title: "Refuse a logout that another site sent",
        file: "sessions/src/cross_site.rs",
        task: "Finish `Provenance::is_cross_site`: decide from `Sec-Fetch-Site` when the browser sent it, else from `Origin`, else (neither: curl, a script) let it through.",
        hints: [
            "Sec-Fetch-Site same-origin or none is ours; otherwise compare Origin with public_origin",
            "`if let Some(site) = sec_fetch_site { return !matches!(site.as_str(), \"same-origin\" | \"none\"); }`, then `if let Some(origin) = origin { return origin != public_origin; }`, then `false`.",
        ],
        without: "false",
        readme: "sessions/README.md",
        section: "Revocation and logout",
        test: &["test", "-p", "sessions", "--test", "logout"],
        minutes: 10,
    },
    Exercise {
        slug: "forbidden",
        stage: "permissions",
        title: "401 or 403: who are you, against you may not",
        file: "permissions/src/guard.rs",
        task: "In `check`, after the session is found: when the route requires a permission, and the user does not hold it, answer 403 \"Insufficient permissions\". Report each decision to the inspector.",
        hints: [
            "if permission is Some(name) and !session.allows(name), return a 403 Problem",
            "`let granted = session.allows(name); app.report.report(Decision::Permission { name, granted });` then `Problem::new(StatusCode::FORBIDDEN, \"Insufficient permissions\")`. A 401 would tell the browser to log in again, which cannot help.",
        ],
        without: "",
        readme: "permissions/README.md",
        section: "401 or 403?",
        test: &["test", "-p", "permissions", "--test", "admin", "--", "--skip", POSTGRES_TESTS],
        minutes: 10,
    },
    Exercise {
        slug: "mix-up",
        stage: "permissions",
        title: "The mix-up attack: an answer on another provider's path",
        file: "permissions/src/callback.rs",
        task: "In `auth`, before any token request: refuse (400) a callback whose login was started with another provider than the one in the path (compare the transaction's issuer). Keep `LAB=mix-up` able to switch the check off.",
        hints: [
            "accepted.transaction.issuer must equal provider.issuer(), or 400",
            "`let mixed_up = accepted.transaction.issuer != provider.issuer(); if mixed_up && app.lab.is_on(Defence::Issuer) { return Err(Problem::bad_request(...)); }` The code would otherwise go to the wrong token endpoint, with our credentials for it.",
        ],
        without: "",
        readme: "permissions/README.md",
        section: "Several providers: Discord and Google",
        test: &["test", "-p", "permissions", "--test", "providers", "--", "--skip", POSTGRES_TESTS],
        minutes: 15,
    },
    Exercise {
        slug: "fixation",
        stage: "permissions",
        title: "Session fixation: end the browser's old session at login",
        file: "permissions/src/callback.rs",
        task: "In `auth`, before the new session is created: if the browser brought a session id (its own, or one an attacker planted), delete that session and revoke its tokens.",
        hints: [
            "delete old_session's row with store::delete, and revoke what it held",
            "`if let Some(old) = &old_session { if let Some(held) = store::delete(&app.db, &app.seal, &old.hash()).await? { crate::ending::revoke(&app, &held).await; } }`",
        ],
        without: "",
        readme: "permissions/README.md",
        section: "A new session at every login",
        test: &["test", "-p", "permissions", "--test", "server_sessions", "--", "--skip", POSTGRES_TESTS],
        minutes: 10,
    },
];

/// Exercise `number` (from 1), if there is one.
pub fn numbered(number: usize) -> Option<&'static Exercise> {
    number.checked_sub(1).and_then(|index| EXERCISES.get(index))
}

impl Exercise {
    /// Its number, from 1, in lesson order.
    pub fn number(&self) -> usize {
        EXERCISES
            .iter()
            .position(|e| e.slug == self.slug)
            .map_or(0, |index| index + 1)
    }

    /// The command that checks it, as a learner types it.
    pub fn test_command(&self) -> String {
        format!("cargo {}", self.test.join(" "))
    }

    /// What `start` puts between the markers: a `todo!` with the first
    /// hint, escaped for a format string.
    pub fn placeholder(&self) -> String {
        let hint = self.hints[0]
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('{', "{{")
            .replace('}', "}}");
        format!("todo!(\"exercise {}: {hint}\");", self.number())
    }
}
