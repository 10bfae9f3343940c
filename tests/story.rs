//! The guided story (`escape_dims::story`): every page's preset parses, resolves the same way
//! however its URL arrives, and, run with the engine exactly as its scene runs it, gives data
//! on which the page's claim holds; the claim's text quotes its numbers and no others; and on
//! data where the point fails, the claim says so instead.
//!
//! Measured with the default teacher (tanh, k = 4, d = 2, N = 256, teacher seed 11), Adam 0.01,
//! 6000 steps, 30 polishing steps, threshold 1e-5 (see each test for its numbers).

use escape_dims::core::network::{Network, Shape};
use escape_dims::core::rng::{SeededRng, Stream};
use escape_dims::core::task::Task;
use escape_dims::experiments::escape::{analyse_case, train_and_polish, EscapeCase};
use escape_dims::experiments::outcome::{run, Outcome};
use escape_dims::experiments::sweep::{run_sweep, summarise};
use escape_dims::experiments::tickets::{
    run_neuron_tickets, summarise_neuron_tickets, NeuronTicketResult,
};
use escape_dims::jobs;
use escape_dims::settings::{property, Kind, Named, SceneKind, Settings};
use escape_dims::story::{
    compare_claim, is_last, losing_tickets_claim, page, page_hash, rescue_claim, resolve_hash,
    split_claim, stuck_claim, sweep_claim, winning_tickets_claim, Claim, ClaimKind,
    CompareEvidence, EscapeEvidence, Evidence, Widened, LOSING_RESCUE_LOWER_BOUND,
    LOTTERY_SUBSETS_LEGEND, MEASURED_LEGEND, PAGES, STORY_SCENES, ZERO_BUTTON_LABEL,
};
use std::sync::Arc;

/// The settings of page `n`: the defaults with the page's preset (what `resolve_hash` gives for
/// the page's URL apart from `scene` and `page`, checked by `every_page_resolves_to_its_preset`).
fn page_settings(n: i64) -> Settings {
    let (s, notices) = Settings::from_hash(page(n).preset);
    assert!(notices.is_empty(), "page {n}: {notices:?}");
    s
}

/// Every quoted number appears in the text, and the text has no digit outside them (apart
/// from the "95%" of the intervals, a constant of the method, in prose and legend names).
fn check_text(claim: &Claim) {
    eprintln!("[holds {}] {}", claim.holds, claim.text);
    let mut rest = claim.text.replace("95%", " ");
    let mut values: Vec<&str> = claim.numbers.iter().map(|(_, v)| v.as_str()).collect();
    let mut keys: Vec<&str> = claim.numbers.iter().map(|(k, _)| *k).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), claim.numbers.len(), "a key twice in {claim:?}");
    for (k, v) in &claim.numbers {
        assert!(!v.is_empty(), "{k} is empty in {claim:?}");
        assert!(
            claim.text.contains(v.as_str()),
            "{k}={v} not in {:?}",
            claim.text
        );
    }
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    for v in values {
        rest = rest.replace(v, " ");
    }
    assert!(
        !rest.chars().any(|c| c.is_ascii_digit()),
        "a number in the prose is not quoted: {rest:?} (from {:?})",
        claim.text
    );
    let sentences = claim.text.matches(". ").count() + 1;
    assert!(sentences <= 5, "too long: {:?}", claim.text);
}

/// The value quoted under `key`.
fn number<'a>(claim: &'a Claim, key: &str) -> &'a str {
    claim
        .number(key)
        .unwrap_or_else(|| panic!("no {key} in {claim:?}"))
}

// ---------------------------------------------------------------------------------------------
// Pages, presets and URLs
// ---------------------------------------------------------------------------------------------

#[test]
fn every_preset_parses_without_notices_and_names_a_story_scene() {
    for (i, p) in PAGES.iter().enumerate() {
        assert!(
            STORY_SCENES.contains(&p.scene),
            "page {}: {:?}",
            i + 1,
            p.scene
        );
        for pair in p.preset.split('&') {
            let (key, value) = pair.split_once('=').expect("key=value");
            assert!(
                key != "scene" && key != "page",
                "page {}: a preset must not move the story ({pair})",
                i + 1
            );
            let prop = property(key).unwrap_or_else(|| panic!("page {}: unknown {key}", i + 1));
            let default = (prop.get)(&Settings::default());
            assert!(
                prop.parse(value, &default).is_ok(),
                "page {}: {pair} is out of range",
                i + 1
            );
        }
        let (_, notices) = Settings::from_hash(p.preset);
        assert!(notices.is_empty(), "page {}: {notices:?}", i + 1);
    }
    let claims: Vec<ClaimKind> = PAGES.iter().map(|p| p.claim).collect();
    assert_eq!(
        claims,
        vec![
            ClaimKind::Compare,
            ClaimKind::Sweep,
            ClaimKind::LosingTicketsRescued,
            ClaimKind::WinningTicketsFail,
            ClaimKind::Stuck,
            ClaimKind::SplitEscapes,
            ClaimKind::ZeroRescues
        ]
    );
}

#[test]
fn settings_accept_every_page_and_scene_of_the_story() {
    // The settings table must let a URL reach every page and (for links and nav) every scene
    // the story shows.
    let page_prop = property("page").expect("page key");
    let Kind::Int { min, max } = page_prop.kind else {
        panic!("page is not an integer")
    };
    assert_eq!(
        (min, max),
        (1, PAGES.len() as i64),
        "settings.rs: the `page` key's range must be 1-{}",
        PAGES.len()
    );
    let Kind::Choice(scenes) = property("scene").expect("scene key").kind else {
        panic!("scene is not a choice")
    };
    for s in STORY_SCENES {
        assert!(
            scenes().contains(&s.name()),
            "settings.rs: scene {s:?} is missing"
        );
    }
    // Out-of-range pages are clamped with a notice, as `page` clamps.
    let (s, notices) = resolve_hash("scene=story&page=99");
    assert_eq!(notices.len(), 1);
    assert!(std::ptr::eq(page(s.page), page(99)));
}

/// The pages a URL can reach under the settings table (all of them once
/// `settings_accept_every_page_and_scene_of_the_story` passes).
fn reachable_pages() -> i64 {
    match property("page").expect("page key").kind {
        Kind::Int { max, .. } => max.min(PAGES.len() as i64),
        _ => 0,
    }
}

#[test]
fn every_page_resolves_to_its_preset_however_the_url_arrives() {
    for n in 1..=reachable_pages() {
        let (a, notices) = resolve_hash(&format!("#{}", page_hash(n)));
        assert!(notices.is_empty(), "page {n}: {notices:?}");
        let (b, _) = resolve_hash(&page_hash(n));
        let (c, notices) = resolve_hash(&a.to_hash());
        assert!(notices.is_empty());
        assert_eq!(a, b, "page {n}: with and without #");
        assert_eq!(a, c, "page {n}: its own full URL");
        let expected = Settings {
            scene: SceneKind::Story,
            page: n,
            ..page_settings(n)
        };
        assert_eq!(a, expected, "page {n}: the defaults plus the preset");
    }
    let (s, _) = resolve_hash("#scene=story&page=1");
    assert_eq!((s.width, s.seed, s.case), (16, 3, 1));
}

#[test]
fn keys_in_a_story_link_win_over_the_preset_after_percent_decoding() {
    assert_eq!(page_settings(2).runs, 30);
    let (s, notices) = resolve_hash("#scene=story&page=2&%72uns=3");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(s.runs, 3);
    assert_eq!(s.widths, vec![4, 6], "the rest of the preset stays");
    let (s, _) = resolve_hash("scene=story&page=2&widths=3,5&%73eed=9");
    assert_eq!((s.widths.clone(), s.seed, s.runs), (vec![3, 5], 9, 30));
    // A link key before the page key wins too (the preset only fills what the link leaves).
    let (s, _) = resolve_hash("runs=5&scene=story&page=2");
    assert_eq!(s.runs, 5);
    // Bad values in a link are explained, as everywhere.
    let (_, notices) = resolve_hash("scene=story&page=2&runs=abc");
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].key, "runs");
    assert!(is_last(99) && is_last(PAGES.len() as i64) && !is_last(1));
    assert!(std::ptr::eq(page(0), &PAGES[0]));
}

#[test]
fn other_scenes_resolve_exactly_as_settings_from_hash() {
    for hash in [
        "",
        "#width=7&seed=4",
        "scene=sweep&widths=3,5&runs=abc",
        "#scene=escape&case=4&%6Du=0.25",
        "scene=tickets&alpha=40",
    ] {
        assert_eq!(resolve_hash(hash), Settings::from_hash(hash), "{hash}");
    }
}

// ---------------------------------------------------------------------------------------------
// Page 1: compare
// ---------------------------------------------------------------------------------------------

/// Trains the compare scene's student of `width` and `seed` under `s`, as the scene does.
fn compare_run(s: &Settings, width: i64, seed: i64) -> Outcome {
    let task = Arc::new(Task::generate(s.task_config()));
    let shape = Shape::new(s.input_dim as usize, width as usize);
    let net = Network::student_init(
        shape,
        task.config.activation,
        &mut SeededRng::new(seed as u64, Stream::Student),
    );
    run(&task, net, None, &jobs::run_settings(s))
}

#[test]
fn page_1_a_narrow_student_is_stuck_where_a_wide_one_succeeds() {
    // Measured: width 4 seed 1 ends at 4.1e-2; width 16 seed 3 at 4.4e-9.
    let s = page_settings(1);
    let narrow = compare_run(&s, s.teacher_width, s.case);
    let wide = compare_run(&s, s.width, s.seed);
    eprintln!(
        "narrow {:.2e} (success {}), wide {:.2e} (success {})",
        narrow.final_loss, narrow.success, wide.final_loss, wide.success
    );
    assert!(!narrow.success && !narrow.diverged);
    assert!(narrow.final_loss > 100.0 * s.threshold, "clearly stuck");
    assert!(wide.success);
    let claim = PAGES[0].claim(&Evidence::Compare(CompareEvidence::new(
        &s,
        Some(&narrow),
        Some(&wide),
    )));
    check_text(&claim);
    assert!(claim.holds);
    assert_eq!(number(&claim, "narrow_width"), "4");
    assert_eq!(number(&claim, "wide_width"), "16");
    assert!(claim.text.contains("stuck") && claim.text.contains("success"));
    assert!(claim.text.contains("lottery") && claim.text.contains("escape"));

    // While training: no verdict.
    let partial = compare_claim(&CompareEvidence::new(&s, Some(&narrow), None));
    check_text(&partial);
    assert!(!partial.holds && partial.text.contains("training"));

    // A divergent run is called divergence, never a bad minimum (gd at lr 2, width 16).
    let (bad, _) = Settings::from_hash("opt=gd&lr=2&width=16");
    let diverged = compare_run(&bad, 16, 3);
    assert!(diverged.diverged, "gd at lr 2 should diverge");
    let claim = compare_claim(&CompareEvidence::new(&s, Some(&diverged), Some(&wide)));
    check_text(&claim);
    assert!(!claim.holds);
    assert!(claim.text.contains("diverged"), "{}", claim.text);
    assert!(!claim.text.contains("stuck") && !claim.text.contains("bad minimum"));

    // Both succeed: said so.
    let claim = compare_claim(&CompareEvidence::new(&s, Some(&wide), Some(&wide)));
    assert!(!claim.holds && claim.text.contains("This time both"));
}

// ---------------------------------------------------------------------------------------------
// Page 2: sweep
// ---------------------------------------------------------------------------------------------

#[test]
fn page_2_measured_success_stays_below_the_every_subset_lottery() {
    // Measured (widths 4 and 6, seeds 1-30): width 4 7/30; width 6 25/30, upper 95% bound
    // 0.927 against 1-(1-7/30)^15 = 0.981.
    let s = page_settings(2);
    let config = jobs::sweep_config(&s);
    let r = run_sweep(&config);
    for w in &r.widths {
        eprintln!(
            "width {}: {}/{} ci ({:.3}, {:.3}) lottery {:.4}",
            w.width, w.successes, w.runs, w.ci.0, w.ci.1, w.lottery_combinatorial
        );
    }
    let below: Vec<usize> = r
        .widths
        .iter()
        .filter(|w| w.width > 4 && w.ci.1 < w.lottery_combinatorial)
        .map(|w| w.width)
        .collect();
    assert!(!below.is_empty(), "no width below the lottery");
    let claim = sweep_claim(&r);
    check_text(&claim);
    assert!(claim.holds);
    let width: usize = number(&claim, "width").parse().unwrap();
    assert!(below.contains(&width));
    let w = r.widths.iter().find(|x| x.width == width).unwrap();
    assert_eq!(number(&claim, "successes"), w.successes.to_string());
    assert_eq!(number(&claim, "runs"), w.runs.to_string());
    let shown = |key| -> f64 {
        number(&claim, key)
            .trim_end_matches('%')
            .trim_start_matches('>')
            .parse::<f64>()
            .unwrap()
            / 100.0
    };
    assert!(
        shown("upper") < shown("lottery"),
        "the shown numbers keep the order"
    );
    assert!((shown("upper") - w.ci.1).abs() < 0.006);
    assert!((shown("lottery") - w.lottery_combinatorial).abs() < 0.006);
    assert!(claim.text.contains(MEASURED_LEGEND) && claim.text.contains(LOTTERY_SUBSETS_LEGEND));
    assert!(claim.text.contains("polishing"), "success is defined");
    assert!(!claim.text.contains("red line") && !claim.text.contains("orange"));

    // Partial: nothing finished yet.
    let partial = sweep_claim(&summarise(&config, &[]));
    check_text(&partial);
    assert!(!partial.holds);
    assert_eq!(number(&partial, "finished"), "0");
    assert_eq!(number(&partial, "total"), "60");
}

#[test]
fn the_sweep_claim_says_so_when_the_measured_rate_reaches_the_lottery() {
    // The preset: widths 4 and 5 with 8 seeds, where width 5 measures above the
    // prediction (measured: 5/8 against 0.49).
    let (s, _) = Settings::from_hash("widths=4,5&runs=8");
    let r = run_sweep(&jobs::sweep_config(&s));
    let below = r
        .widths
        .iter()
        .any(|w| w.width > 4 && w.ci.1 < w.lottery_combinatorial);
    let claim = sweep_claim(&r);
    check_text(&claim);
    assert_eq!(claim.holds, below, "the verdict follows the data");
    if !claim.holds {
        assert!(claim.text.contains("This time"), "{}", claim.text);
    }
    // A sweep without the teacher's width has no lottery line.
    let (s, _) = Settings::from_hash("widths=5&runs=2");
    let claim = sweep_claim(&run_sweep(&jobs::sweep_config(&s)));
    check_text(&claim);
    assert!(!claim.holds && claim.text.contains("does not train that width"));
}

// ---------------------------------------------------------------------------------------------
// Pages 3 and 4: tickets
// ---------------------------------------------------------------------------------------------

/// The ticket table of `s`, as the scene fills it (seeds 1..=runs).
fn ticket_table(s: &Settings) -> NeuronTicketResult {
    let r = run_neuron_tickets(&jobs::neuron_ticket_config(s));
    let seeds: Vec<u64> = r.tickets.iter().map(|t| t.seed).collect();
    assert_eq!(seeds, (1..=s.runs as u64).collect::<Vec<_>>());
    r
}

#[test]
fn page_3_most_losing_tickets_succeed_with_one_small_extra_neuron() {
    // Measured (tickets 1-36, alpha 0.1): 9 win alone; 15 of the 27 losing ones succeed
    // embedded (56%, 95% interval 37%-72%). "Most" has a margin of one ticket (at 24 tickets
    // the rate was 9/19 = 47%); the claim's own criterion, the lower bound, has more.
    let s = page_settings(3);
    let r = ticket_table(&s);
    let row = &r.rows[0];
    eprintln!(
        "alpha {}: winning {}/{}, losing {}/{} ci {:?}",
        row.alpha,
        row.given_winning.successes,
        row.given_winning.runs,
        row.given_losing.successes,
        row.given_losing.runs,
        row.given_losing.ci
    );
    assert_eq!(row.alpha, 0.1);
    assert!(row.given_losing.runs >= 10);
    assert!(row.given_losing.rate > 0.5, "{:?}", row.given_losing);
    assert!(row.given_losing.ci.0 > LOSING_RESCUE_LOWER_BOUND);
    let claim = PAGES[2].claim(&Evidence::Tickets(&r));
    check_text(&claim);
    assert!(claim.holds);
    assert_eq!(
        number(&claim, "rescued"),
        row.given_losing.successes.to_string()
    );
    assert_eq!(number(&claim, "losing"), row.given_losing.runs.to_string());
    assert!(claim.text.contains("more than half"));
    // The live pair of the scene (ticket seed = the settings' seed) is one of those rescued.
    let live = &r.tickets[s.seed as usize - 1];
    assert!(!live.wins_alone && live.embedded_success[0]);

    // Partial table.
    let partial = losing_tickets_claim(&summarise_neuron_tickets(
        &r.config,
        r.tickets[..5].to_vec(),
    ));
    check_text(&partial);
    assert!(!partial.holds);
    assert_eq!(number(&partial, "done"), "5");
    // The other page's claim on this table: at alpha 0.1 every winning ticket still wins, and
    // the claim says so rather than holding.
    let other = winning_tickets_claim(&r);
    check_text(&other);
    assert_eq!(
        other.holds,
        row.given_winning.successes < row.given_winning.runs
    );
    if !other.holds {
        assert!(other.text.contains("still won"), "{}", other.text);
    }
}

#[test]
fn page_4_a_winning_ticket_fails_among_large_neurons() {
    // Measured (tickets 1-12, alpha 16): tickets 2, 9, 12 win alone; 2 and 12 fail embedded.
    let s = page_settings(4);
    let r = ticket_table(&s);
    let row = &r.rows[0];
    eprintln!(
        "alpha {}: winning {}/{}, losing {}/{}",
        row.alpha,
        row.given_winning.successes,
        row.given_winning.runs,
        row.given_losing.successes,
        row.given_losing.runs
    );
    assert_eq!(row.alpha, 16.0);
    assert!(row.given_winning.runs >= 2);
    assert!(row.given_winning.successes < row.given_winning.runs);
    let claim = PAGES[3].claim(&Evidence::Tickets(&r));
    check_text(&claim);
    assert!(claim.holds);
    assert_eq!(
        number(&claim, "failed"),
        (row.given_winning.runs - row.given_winning.successes).to_string()
    );
    assert_eq!(number(&claim, "alpha"), "16");
    // The scene's live pair: ticket seed 2 wins alone and fails embedded.
    let live = &r.tickets[s.seed as usize - 1];
    assert!(live.wins_alone && !live.embedded_success[0]);
    // Page 3's claim on this table follows the data (alpha 16 rescues few losing tickets).
    let other = losing_tickets_claim(&r);
    check_text(&other);
    assert_eq!(
        other.holds,
        row.given_losing.ci.0 > LOSING_RESCUE_LOWER_BOUND
    );
}

// ---------------------------------------------------------------------------------------------
// Pages 5-7: escape
// ---------------------------------------------------------------------------------------------

/// The escape scene's case under `s`: trained, polished, split and given a zero-output neuron.
fn escape_case(s: &Settings) -> EscapeCase {
    let task = Arc::new(Task::generate(s.task_config()));
    let config = jobs::escape_config(s);
    let (params, _) = train_and_polish(&task, &config, s.case as u64);
    analyse_case(&task, &config, s.case as u64, params)
}

fn describe(case: &EscapeCase) {
    eprintln!(
        "case {}: loss {:.3e} gradient {:.1e} min eigenvalue {:.3e} ({} negative)",
        case.seed,
        case.stuck.loss,
        case.stuck.gradient_norm,
        case.stuck.min_eigenvalue,
        case.stuck.negative_eigenvalues
    );
    for a in &case.attempts {
        eprintln!(
            "  {}: min eigenvalue {:.3e} ({} negative), gradient {:.1e}, after {:.2e}, escaped {}",
            a.embedding.name(),
            a.at_embedding.min_eigenvalue,
            a.at_embedding.negative_eigenvalues,
            a.at_embedding.gradient_norm,
            a.loss_after,
            a.escaped
        );
    }
}

#[test]
fn pages_5_and_6_stuck_without_a_way_down_then_a_split_escapes() {
    // Measured (case 1): stuck at 4.12e-2, gradient 1.5e-13, smallest eigenvalue +1.7e-3;
    // splitting neuron 3 (mu 0.5) gives 2 negative eigenvalues (smallest -3.0e-1) and escapes
    // to 2.6e-16.
    let s = page_settings(5);
    assert_eq!(
        page_settings(6).case,
        s.case,
        "pages 5 and 6 show the same student"
    );
    let case = escape_case(&s);
    describe(&case);

    // Page 5.
    assert!(case.stuck.loss > 100.0 * s.threshold);
    assert!(case.stuck.gradient_norm < 1e-6);
    assert!(case.stuck.min_eigenvalue > 0.0, "every eigenvalue positive");
    assert_eq!(case.stuck.negative_eigenvalues, 0);
    let evidence = EscapeEvidence {
        split: None,
        zero: None,
        ..EscapeEvidence::from_case(&s, &case)
    };
    let claim = PAGES[4].claim(&Evidence::Escape(evidence));
    check_text(&claim);
    assert!(claim.holds);
    assert!(claim.text.contains("every eigenvalue is positive"));
    assert!(number(&claim, "min_eigenvalue").starts_with('+'));
    let training = stuck_claim(&EscapeEvidence::new(&s));
    check_text(&training);
    assert!(!training.holds && training.text.contains("Training"));

    // Page 6.
    let split = &case.attempts[0];
    assert!(split.at_embedding.negative_eigenvalues >= 1);
    assert!(split.escaped);
    let evidence = EscapeEvidence::from_case(&s, &case);
    let claim = PAGES[5].claim(&Evidence::Escape(evidence));
    check_text(&claim);
    assert!(claim.holds);
    assert_eq!(
        number(&claim, "negative"),
        split.at_embedding.negative_eigenvalues.to_string()
    );
    assert!(claim.text.contains("it escaped"));
    assert!(claim.text.contains(number(&claim, "loss_after")));
    // While training on from the split: no verdict yet.
    let running = split_claim(&EscapeEvidence {
        split: Some(Widened {
            loss_after: None,
            ..evidence.split.unwrap()
        }),
        ..evidence
    });
    check_text(&running);
    assert!(!running.holds && running.text.contains("…"));
    // Page 7's claim on this case: the split was enough, so it does not hold.
    let other = rescue_claim(&evidence);
    check_text(&other);
    assert!(!other.holds);
}

#[test]
fn page_7_a_split_stays_stuck_and_a_zero_output_neuron_rescues() {
    // Measured (case 4): stuck at 1.13e-2 (smallest eigenvalue +2.5e-4); splitting neuron 4
    // gives 1 negative eigenvalue (-7.3e-3) but ends at 1.08e-2; a zero-output neuron (its
    // output weight's gradient 3.3e-2) escapes to 1.8e-14.
    let s = page_settings(7);
    let case = escape_case(&s);
    describe(&case);
    assert_eq!(case.stuck.negative_eigenvalues, 0);
    let (split, zero) = (&case.attempts[0], &case.attempts[1]);
    assert!(!split.escaped && !split.diverged);
    assert!(zero.escaped);
    let evidence = EscapeEvidence::from_case(&s, &case);
    let claim = PAGES[6].claim(&Evidence::Escape(evidence));
    check_text(&claim);
    assert!(claim.holds);
    assert!(claim.text.contains("did not escape") && claim.text.contains("it escaped"));
    assert_eq!(
        number(&claim, "negative"),
        split.at_embedding.negative_eigenvalues.to_string()
    );
    // After the split, before the button: the text names the button.
    let waiting = rescue_claim(&EscapeEvidence {
        zero: None,
        ..evidence
    });
    check_text(&waiting);
    assert!(!waiting.holds && waiting.text.contains(ZERO_BUTTON_LABEL));
    // Page 6's claim on this case says the split did not escape.
    let other = split_claim(&evidence);
    check_text(&other);
    assert!(!other.holds && other.text.contains("did not escape"));
}

#[test]
fn the_escape_claims_say_so_when_the_student_reached_the_teacher() {
    // Case 2 reaches the teacher at width 4 (measured 1e-31).
    let (s, _) = Settings::from_hash("case=2");
    let case = escape_case(&s);
    let evidence = EscapeEvidence::from_case(&s, &case);
    for claim in [
        stuck_claim(&evidence),
        split_claim(&evidence),
        rescue_claim(&evidence),
    ] {
        check_text(&claim);
        assert!(!claim.holds);
        assert!(claim.text.contains("reached the teacher"), "{}", claim.text);
    }
}
