"""Every threshold and window of the readiness model, with its literature default.

The lead's ``hrv_readiness.config`` embeds :class:`ReadinessSettings` as the
``readiness:`` section of the YAML file, so a user can change a threshold without
reading code. Each field's description names the source of its default; the
reasoning behind each rule is in docs/model.md and next to the rule in rules.py.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ReadinessSettings(BaseModel):
    """Windows (days), thresholds and score weights of the readiness model."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # --- baselines -----------------------------------------------------------------
    rolling_window_days: int = Field(
        default=7,
        ge=3,
        le=14,
        description=(
            "Days in the rolling mean of lnRMSSD that is judged instead of a single "
            "morning (Plews et al. 2012, EJAP 112:3729; Plews et al. 2013, Sports Med 43:773)."
        ),
    )
    rolling_min_readings: int = Field(
        default=3,
        ge=1,
        le=14,
        description=(
            "Valid readings needed inside the rolling window for its mean to count "
            "(Plews et al. 2014, IJSPP 9:783: 3 readings a week suffice)."
        ),
    )
    swc_baseline_days: int = Field(
        default=28,
        ge=7,
        le=120,
        description=(
            "Days of history behind the smallest-worthwhile-change band "
            "(4-week baseline: Vesterinen et al. 2016, MSSE 48:1347; Javaloyes et al. 2019, IJSPP)."
        ),
    )
    swc_sd_factor: float = Field(
        default=0.5,
        gt=0.0,
        le=3.0,
        description=(
            "Half-width of the SWC band in SDs of daily lnRMSSD: baseline mean +/- 0.5 SD "
            "(Vesterinen et al. 2016; Javaloyes et al. 2019)."
        ),
    )
    normal_range_days: int = Field(
        default=60,
        ge=14,
        le=365,
        description=(
            "Days of history behind the normal range of daily lnRMSSD and resting HR "
            "(HRV4Training: 7-day baseline against a 60-day normal range)."
        ),
    )
    normal_range_sd_factor: float = Field(
        default=1.5,
        gt=0.0,
        le=3.0,
        description=(
            "Half-width of the normal range of daily lnRMSSD in SDs over normal_range_days. "
            "HRV4Training does not publish its width; 1.5 SD is our documented choice: a "
            "steady person has about 7 % of mornings below it (1 SD would flag 16 %, one "
            "morning a week), and 3 of 7 below it by chance is under 1 %."
        ),
    )
    fatigue_episode_min_days: int = Field(
        default=7,
        ge=1,
        le=28,
        description=(
            "Consecutive mornings with the 7-day mean below the SWC band that make a "
            "fatigue episode, whose mornings are then left out of the baselines. One full "
            "rolling week: shorter dips are noise (a steady person's 7-day mean is below "
            "the band on about 9 % of mornings, in runs of a few days) and leaving them out "
            "would ratchet the baseline up; Plews et al. 2012 read declines week on week."
        ),
    )
    baseline_hold_max_days: int = Field(
        default=56,
        ge=7,
        le=365,
        description=(
            "Longest fatigue episode (7-day mean below the SWC band) kept out of the "
            "baselines; the baseline is built from normal training (Vesterinen et al. 2016; "
            "Javaloyes et al. 2019) and a decline is read against earlier normal values "
            "(Plews et al. 2012). Non-functional overreaching "
            "(Meeusen et al. 2013, MSSE 45:186) takes weeks to months to resolve; after 8 weeks "
            "the level is accepted as the person's new normal and the baseline re-learns."
        ),
    )
    min_history_readings: int = Field(
        default=14,
        ge=3,
        le=90,
        description=(
            "Valid readings (today's included) within normal_range_days before any advice; "
            "until then the status is building_baseline (docs/model.md: about 14 days; "
            "Polar orthostatic test: 6 tests over 2 weeks)."
        ),
    )
    # --- resting heart rate --------------------------------------------------------
    rhr_range_sd_factor: float = Field(
        default=1.0,
        gt=0.0,
        le=3.0,
        description=(
            "Half-width of the resting-HR normal range in SDs over normal_range_days; "
            "rising RHR with falling HRV is the systemic pattern "
            "(Schmitt et al. 2015, IJSM 36:999)."
        ),
    )
    rhr_min_half_width_bpm: float = Field(
        default=2.0,
        ge=0.0,
        le=20.0,
        description=(
            "Smallest half-width of the resting-HR range, so a very steady person is not "
            "flagged for a 1 bpm change (Buchheit 2014, Front Physiol 5:73: judge against "
            "measurement error)."
        ),
    )
    # --- breathing rate and illness (rule 13) ---------------------------------------
    breathing_range_sd_factor: float = Field(
        default=2.0,
        gt=0.0,
        le=4.0,
        description=(
            "Upper edge of the breathing-rate normal range, in SDs above its mean over "
            "normal_range_days. Respiratory rate rises before and with infection (Miller et "
            "al. 2020, PLoS ONE 15:e0243693) and is steady from day to day (WHOOP: a "
            "night-to-night SD of about 0.5 breaths/min), so 2 SD is a clear departure."
        ),
    )
    breathing_min_half_width_per_min: float = Field(
        default=1.5,
        ge=0.0,
        le=10.0,
        description=(
            "Smallest distance of that upper edge above the mean: a 2-minute reading "
            "estimates breathing rate to within about 0.5-0.8 breaths/min at p90 "
            "(docs/hrv.md §8), so a very steady person is not flagged for a rounding "
            "(Buchheit 2014: judge against measurement error)."
        ),
    )
    breathing_min_readings: int = Field(
        default=7,
        ge=2,
        le=60,
        description=(
            "Mornings with a breathing rate needed within normal_range_days before its "
            "normal range is used."
        ),
    )
    # --- subjective state ----------------------------------------------------------
    soreness_high: int = Field(
        default=6,
        ge=0,
        le=10,
        description=(
            "Soreness (0-10) at or above which muscular fatigue is reported; HRV cannot see "
            "it (Flatt et al. 2018, Sports 6:93: soreness had no effect on lnRMSSD or RHR)."
        ),
    )
    energy_low: int = Field(
        default=4,
        ge=0,
        le=10,
        description=(
            "Energy/motivation (0-10) at or below which motivation counts as down "
            "(overreaching pattern, Plews et al. 2012; coaching articles: low motivation)."
        ),
    )
    sleep_poor: int = Field(
        default=4,
        ge=0,
        le=10,
        description="Sleep quality (0-10) at or below which sleep counts as poor (coaching "
        "articles).",
    )
    stress_high: int = Field(
        default=7,
        ge=0,
        le=10,
        description="Stress (0-10) at or above which life stress is named as a reason (coaching "
        "articles).",
    )
    subjective_strain_min_signs: int = Field(
        default=2,
        ge=1,
        le=4,
        description=(
            "How many of low energy, poor sleep, high stress and heavy legs at once mean "
            "caution on their own, whatever HRV says: subjective measures track load "
            "more sensitively than objective ones (Saw et al. 2016, BJSM 50:281); the "
            "coaching articles: 'use the numbers as mirrors, not masters'. One poor night "
            "alone is not enough."
        ),
    )
    subjective_systemic_min_signs: int = Field(
        default=2,
        ge=1,
        le=3,
        description=(
            "How many of low energy, poor sleep and high stress at once count as systemic "
            "fatigue felt (rule 14): they are the whole-body signs of the questionnaire, "
            "and subjective measures track load more sensitively than objective ones "
            "(Saw et al. 2016, BJSM 50:281), so with HRV normal the fatigue type is still "
            "nervous_system (combined when sore) and the advice is to keep the day easy."
        ),
    )
    heavy_legs_caution_days: int = Field(
        default=3,
        ge=2,
        le=14,
        description=(
            "Consecutive mornings with heavy legs (today's included) that mean heaviness has "
            "persisted beyond 48 h and warrants caution (coaching article on heavy legs)."
        ),
    )
    # --- overreaching --------------------------------------------------------------
    overreaching_window_days: int = Field(
        default=7,
        ge=3,
        le=21,
        description="Days examined for persistent suppression (Plews et al. 2012).",
    )
    overreaching_min_days_below: int = Field(
        default=3,
        ge=1,
        le=21,
        description=(
            "Mornings below the normal range within overreaching_window_days that count as "
            "persistent suppression (docs/model.md, after Plews et al. 2012)."
        ),
    )
    uncertainty_min_pct: float = Field(
        default=2.0,
        ge=0.0,
        le=100.0,
        description=(
            "Rule 15: from this measurement uncertainty of today's RMSSD (± %, how far it "
            "could depend on the corrected beats; docs/hrv.md) the model asks whether "
            "today's lnRMSSD ± uncertainty straddles the normal range or, for the 7-day "
            "mean, the SWC band, and then takes the cautious branch (counted as low). "
            "2 % is 0.02 in lnRMSSD, a tenth of the SWC band's width for a typical "
            "day-to-day SD of 0.2 (Buchheit 2014; Hopkins 2000: a change inside the "
            "measurement error is not a clear change). Below it a reading is decided "
            "as measured."
        ),
    )
    saturation_trend_sd: float = Field(
        default=1.0,
        gt=0.0,
        le=5.0,
        description=(
            "How far (in baseline SDs) the 7-day mean must sit above the baseline mean for "
            "the parasympathetic-saturation watch (Le Meur et al. 2013, MSSE 45:2061: HRV "
            "above the normal range in functional overreaching). 1 SD is twice the SWC and "
            "about 2.6 standard errors of a 7-day mean, beyond measurement error "
            "(Buchheit 2014): a steady person reaches it by chance on about 0.5 % of "
            "mornings."
        ),
    )
    # --- training context ----------------------------------------------------------
    training_lookback_days: int = Field(
        default=2,
        ge=1,
        le=7,
        description=(
            "Days of training log read as the explanation for a systemic dip "
            "(Buchheit 2014: combine HRV with training logs)."
        ),
    )
    hard_session_effort: int = Field(
        default=7,
        ge=0,
        le=10,
        description=(
            "Effort (0-10) at or above which a heavy compound / explosive / interval session "
            "is named as a systemic load (coaching articles)."
        ),
    )
    # --- orthostatic test ------------------------------------------------------------
    orthostatic_min_tests: int = Field(
        default=6,
        ge=2,
        le=30,
        description=(
            "Earlier orthostatic tests within normal_range_days before the orthostatic "
            "rules give advice (Polar's orthostatic test: six baseline tests over two "
            "weeks of normal training)."
        ),
    )
    orthostatic_range_sd_factor: float = Field(
        default=1.0,
        gt=0.0,
        le=3.0,
        description=(
            "Half-width, in SDs over the earlier tests, of the normal range of the "
            "heart-rate rise on standing, standing lnRMSSD and standing HR. Polar compares "
            "each test with the person's own averages without publishing a width; 1 SD is "
            "our documented choice, as for resting HR (rhr_range_sd_factor)."
        ),
    )
    orthostatic_hr_min_half_width_bpm: float = Field(
        default=3.0,
        ge=0.0,
        le=20.0,
        description=(
            "Smallest half-width of the HR-rise and standing-HR ranges, so a very steady "
            "person is not flagged for a beat or two (Buchheit 2014, Front Physiol 5:73: "
            "judge against measurement error; the peak is a 5-beat median)."
        ),
    )
    orthostatic_ln_min_half_width: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description=(
            "Smallest half-width of the standing-lnRMSSD range (about 10 % RMSSD): standing "
            "RMSSD is small and noisier than supine (Bourdillon et al. 2017; Buchheit 2014)."
        ),
    )
    # --- score ---------------------------------------------------------------------
    score_caution_below: int = Field(
        default=60,
        ge=0,
        le=100,
        description="Score below which a 'ready' day becomes 'caution' (our documented mapping).",
    )
    score_rest_below: int = Field(
        default=30,
        ge=0,
        le=100,
        description=(
            "Lowest score of a 'caution' day; 'rest' days (overreaching) score below it "
            "(our documented mapping)."
        ),
    )
    score_min_baseline_sd: float = Field(
        default=0.02,
        gt=0.0,
        le=1.0,
        description=(
            "Smallest baseline SD (ln units) the score divides by, so a very steady history "
            "does not turn a 0.01 dip into many SDs (about 2 % RMSSD; Buchheit 2014: judge "
            "changes against measurement error)."
        ),
    )
    score_trend_points_per_sd: float = Field(
        default=20.0,
        ge=0.0,
        description=(
            "Points lost per baseline SD the 7-day mean sits below the baseline mean (the "
            "7-day trend outweighs single days: Plews et al. 2013)."
        ),
    )
    score_trend_max_points: float = Field(
        default=40.0, ge=0.0, le=100.0, description="Cap on the 7-day-trend penalty."
    )
    score_today_points_per_sd: float = Field(
        default=8.0,
        ge=0.0,
        description="Points lost per baseline SD today's lnRMSSD sits below the baseline mean.",
    )
    score_today_max_points: float = Field(
        default=20.0, ge=0.0, le=100.0, description="Cap on the single-day penalty."
    )
    score_rhr_points_at_upper: float = Field(
        default=10.0,
        ge=0.0,
        description=(
            "Points lost when today's resting HR reaches the top of its normal range "
            "(linear from the baseline mean; Schmitt et al. 2015)."
        ),
    )
    score_rhr_max_points: float = Field(
        default=20.0, ge=0.0, le=100.0, description="Cap on the resting-HR penalty."
    )
    score_subjective_max_points: float = Field(
        default=30.0,
        ge=0.0,
        le=100.0,
        description=(
            "Points lost at the worst subjective state (soreness 10, energy 0, sleep 0, "
            "stress 10), linear in their mean (Buchheit 2014: combine with questionnaires)."
        ),
    )
    score_heavy_legs_points: float = Field(
        default=5.0, ge=0.0, le=100.0, description="Points lost when legs feel heavy today."
    )

    @property
    def training_history_days(self) -> int:
        """Days before today of training log the model reads (callers fetch this much)."""
        return self.training_lookback_days

    @property
    def wellness_history_days(self) -> int:
        """Days before today of questionnaires the model reads.

        The heavy-legs streak reads the last few; mornings reported ill are left out of
        the baselines, so the model reads as far back as those reach.
        """
        return max(
            self.heavy_legs_caution_days - 1,
            self.normal_range_days + self.baseline_hold_max_days,
        )

    @model_validator(mode="after")
    def _check_consistency(self) -> ReadinessSettings:
        if self.rolling_min_readings > self.rolling_window_days:
            msg = (
                f"rolling_min_readings ({self.rolling_min_readings}) cannot exceed "
                f"rolling_window_days ({self.rolling_window_days})"
            )
            raise ValueError(msg)
        if self.overreaching_min_days_below > self.overreaching_window_days:
            msg = (
                f"overreaching_min_days_below ({self.overreaching_min_days_below}) cannot "
                f"exceed overreaching_window_days ({self.overreaching_window_days})"
            )
            raise ValueError(msg)
        if self.swc_baseline_days > self.normal_range_days:
            msg = (
                f"swc_baseline_days ({self.swc_baseline_days}) cannot exceed "
                f"normal_range_days ({self.normal_range_days})"
            )
            raise ValueError(msg)
        if self.score_rest_below > self.score_caution_below:
            msg = (
                f"score_rest_below ({self.score_rest_below}) cannot exceed "
                f"score_caution_below ({self.score_caution_below})"
            )
            raise ValueError(msg)
        return self
