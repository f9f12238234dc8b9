//! Static model tables (providers spec §2.2), as data.
//!
//! Created timestamps are release dates (Unix seconds, midnight UTC) where the spec
//! gives none; they only order listings and drive `auto`. Edit rows here, not code.

use super::{Catalog, GeminiInfo, ModelInfo, ThinkingSupport};

/// One row of a static table.
struct Row {
    id: &'static str,
    display: &'static str,
    created: i64,
    context: u32,
    output: u32,
    thinking: Option<ThinkingSupport>,
}

const fn budget(min: i32, max: i32, is_zero_allowed: bool) -> Option<ThinkingSupport> {
    Some(ThinkingSupport {
        min,
        max,
        is_zero_allowed,
        is_dynamic_allowed: true,
        levels: &[],
    })
}

const fn levels(levels: &'static [&'static str]) -> Option<ThinkingSupport> {
    Some(ThinkingSupport {
        min: 0,
        max: 0,
        is_zero_allowed: false,
        is_dynamic_allowed: false,
        levels,
    })
}

const fn gemini3(levels: &'static [&'static str]) -> Option<ThinkingSupport> {
    Some(ThinkingSupport {
        min: 128,
        max: 32768,
        is_zero_allowed: false,
        is_dynamic_allowed: true,
        levels,
    })
}

const fn row(
    id: &'static str,
    display: &'static str,
    created: i64,
    context: u32,
    output: u32,
    thinking: Option<ThinkingSupport>,
) -> Row {
    Row {
        id,
        display,
        created,
        context,
        output,
        thinking,
    }
}

const CLAUDE_THINKING: Option<ThinkingSupport> = budget(1024, 100_000, false);
const PRO: Option<ThinkingSupport> = budget(128, 32768, false);
const FLASH: Option<ThinkingSupport> = budget(0, 24576, true);
const G3_PRO: Option<ThinkingSupport> = gemini3(&["low", "high"]);
const G3_FLASH: Option<ThinkingSupport> = gemini3(&["minimal", "low", "medium", "high"]);
const IFLOW_LEVELS: Option<ThinkingSupport> =
    levels(&["none", "auto", "minimal", "low", "medium", "high", "xhigh"]);
const GEMINI_METHODS: &[&str] = &[
    "generateContent",
    "countTokens",
    "createCachedContent",
    "batchGenerateContent",
];
const M: u32 = 1_048_576;

#[rustfmt::skip]
const CLAUDE: &[Row] = &[
    row("claude-haiku-4-5-20251001", "Claude 4.5 Haiku", 1_760_659_200, 200_000, 64000, None),
    row("claude-sonnet-4-5-20250929", "Claude 4.5 Sonnet", 1_759_104_000, 200_000, 64000, CLAUDE_THINKING),
    row("claude-opus-4-5-20251101", "Claude 4.5 Opus", 1_761_955_200, 200_000, 64000, CLAUDE_THINKING),
    row("claude-opus-4-1-20250805", "Claude 4.1 Opus", 1_754_352_000, 200_000, 32000, CLAUDE_THINKING),
    row("claude-opus-4-20250514", "Claude 4 Opus", 1_747_180_800, 200_000, 32000, CLAUDE_THINKING),
    row("claude-sonnet-4-20250514", "Claude 4 Sonnet", 1_747_180_800, 200_000, 64000, CLAUDE_THINKING),
    row("claude-3-7-sonnet-20250219", "Claude 3.7 Sonnet", 1_739_923_200, 128_000, 8192, CLAUDE_THINKING),
    row("claude-3-5-haiku-20241022", "Claude 3.5 Haiku", 1_729_555_200, 128_000, 8192, None),
];

#[rustfmt::skip]
const GEMINI: &[Row] = &[
    row("gemini-2.5-pro", "Gemini 2.5 Pro", 1_750_118_400, M, 65536, PRO),
    row("gemini-2.5-flash", "Gemini 2.5 Flash", 1_750_118_400, M, 65536, FLASH),
    row("gemini-2.5-flash-lite", "Gemini 2.5 Flash Lite", 1_753_142_400, M, 65536, FLASH),
    row("gemini-3-pro-preview", "Gemini 3 Pro Preview", 1_763_424_000, M, 65536, G3_PRO),
    row("gemini-3-flash-preview", "Gemini 3 Flash Preview", 1_765_929_600, M, 65536, G3_FLASH),
    row("gemini-3-pro-image-preview", "Gemini 3 Pro Image Preview", 1_763_596_800, M, 65536, G3_PRO),
];

#[rustfmt::skip]
const AISTUDIO_EXTRA: &[Row] = &[
    row("gemini-pro-latest", "Gemini Pro Latest", 1_750_118_400, M, 65536, PRO),
    row("gemini-flash-latest", "Gemini Flash Latest", 1_750_118_400, M, 65536, FLASH),
    row("gemini-flash-lite-latest", "Gemini Flash-Lite Latest", 1_753_142_400, M, 65536, budget(512, 24576, true)),
    row("gemini-2.5-flash-image-preview", "Gemini 2.5 Flash Image Preview", 1_756_166_400, M, 8192, None),
    row("gemini-2.5-flash-image", "Gemini 2.5 Flash Image", 1_759_363_200, M, 8192, None),
];

#[rustfmt::skip]
const OPENAI: &[Row] = &[
    row("gpt-5", "GPT 5", 1_754_524_800, 400_000, 128_000, levels(&["minimal", "low", "medium", "high"])),
    row("gpt-5-codex", "GPT 5 Codex", 1_757_894_400, 400_000, 128_000, levels(&["low", "medium", "high"])),
    row("gpt-5-codex-mini", "GPT 5 Codex Mini", 1_762_473_600, 400_000, 128_000, levels(&["low", "medium", "high"])),
    // The upstream table really says "GPT 5" for gpt-5.1 (sic); kept for parity.
    row("gpt-5.1", "GPT 5", 1_762_905_600, 400_000, 128_000, levels(&["none", "low", "medium", "high"])),
    row("gpt-5.1-codex", "GPT 5.1 Codex", 1_762_905_600, 400_000, 128_000, levels(&["low", "medium", "high"])),
    row("gpt-5.1-codex-mini", "GPT 5.1 Codex Mini", 1_762_905_600, 400_000, 128_000, levels(&["low", "medium", "high"])),
    row("gpt-5.1-codex-max", "GPT 5.1 Codex Max", 1_763_596_800, 400_000, 128_000, levels(&["low", "medium", "high", "xhigh"])),
    row("gpt-5.2", "GPT 5.2", 1_765_411_200, 400_000, 128_000, levels(&["none", "low", "medium", "high", "xhigh"])),
    row("gpt-5.2-codex", "GPT 5.2 Codex", 1_765_411_200, 400_000, 128_000, levels(&["low", "medium", "high", "xhigh"])),
];

#[rustfmt::skip]
const QWEN: &[Row] = &[
    row("qwen3-coder-plus", "Qwen3 Coder Plus", 1_753_228_800, 32768, 8192, None),
    row("qwen3-coder-flash", "Qwen3 Coder Flash", 1_753_228_800, 8192, 2048, None),
    row("vision-model", "Qwen3 Vision Model", 1_758_672_000, 32768, 2048, None),
];

const IFLOW_CREATED: i64 = 1_757_030_400;

#[rustfmt::skip]
const IFLOW: &[Row] = &[
    row("tstars2.0", "TStars-2.0", IFLOW_CREATED, 0, 0, None),
    row("qwen3-coder-plus", "Qwen3-Coder-Plus", IFLOW_CREATED, 0, 0, None),
    row("qwen3-max", "Qwen3-Max", IFLOW_CREATED, 0, 0, None),
    row("qwen3-vl-plus", "Qwen3-VL-Plus", IFLOW_CREATED, 0, 0, None),
    row("qwen3-max-preview", "Qwen3-Max-Preview", IFLOW_CREATED, 0, 0, None),
    row("kimi-k2-0905", "Kimi-K2-Instruct-0905", IFLOW_CREATED, 0, 0, None),
    row("glm-4.6", "GLM-4.6", 1_759_190_400, 0, 0, IFLOW_LEVELS),
    row("glm-4.7", "GLM-4.7", 1_766_361_600, 0, 0, IFLOW_LEVELS),
    row("kimi-k2", "Kimi-K2", IFLOW_CREATED, 0, 0, None),
    row("kimi-k2-thinking", "Kimi-K2-Thinking", 1_762_387_200, 0, 0, None),
    row("deepseek-v3.2-chat", "DeepSeek-V3.2", 1_764_547_200, 0, 0, None),
    row("deepseek-v3.2-reasoner", "DeepSeek-V3.2", 1_764_547_200, 0, 0, None),
    row("deepseek-v3.2", "DeepSeek-V3.2-Exp", 1_759_104_000, 0, 0, None),
    row("deepseek-v3.1", "DeepSeek-V3.1-Terminus", IFLOW_CREATED, 0, 0, None),
    row("deepseek-r1", "DeepSeek-R1", IFLOW_CREATED, 0, 0, None),
    row("deepseek-v3", "DeepSeek-V3-671B", IFLOW_CREATED, 0, 0, None),
    row("qwen3-32b", "Qwen3-32B", IFLOW_CREATED, 0, 0, None),
    row("qwen3-235b-a22b-thinking-2507", "Qwen3-235B-A22B-Thinking", IFLOW_CREATED, 0, 0, None),
    row("qwen3-235b-a22b-instruct", "Qwen3-235B-A22B-Instruct", IFLOW_CREATED, 0, 0, None),
    row("qwen3-235b", "Qwen3-235B-A22B", IFLOW_CREATED, 0, 0, None),
    row("minimax-m2", "MiniMax-M2", 1_761_609_600, 0, 0, IFLOW_LEVELS),
    row("minimax-m2.1", "MiniMax-M2.1", 1_766_361_600, 0, 0, IFLOW_LEVELS),
];

/// Antigravity decorations (keyed by alias): thinking support and output limit of
/// models that are fetched live, not registered from a table.
#[rustfmt::skip]
const ANTIGRAVITY: &[Row] = &[
    row("gemini-2.5-flash", "", 0, 0, 0, FLASH),
    row("gemini-2.5-flash-lite", "", 0, 0, 0, FLASH),
    row("gemini-2.5-computer-use-preview-10-2025", "", 0, 0, 0, PRO),
    row("gemini-3-pro-preview", "", 0, 0, 0, G3_PRO),
    row("gemini-3-pro-image-preview", "", 0, 0, 0, G3_PRO),
    row("gemini-3-flash-preview", "", 0, 0, 0, G3_FLASH),
    row("gemini-claude-sonnet-4-5-thinking", "", 0, 0, 64000, budget(1024, 200_000, false)),
    row("gemini-claude-opus-4-5-thinking", "", 0, 0, 64000, budget(1024, 200_000, false)),
];

/// Thinking support and max output tokens of an Antigravity alias.
pub(super) fn antigravity(alias: &str) -> Option<(Option<ThinkingSupport>, u32)> {
    ANTIGRAVITY
        .iter()
        .find(|row| row.id == alias)
        .map(|row| (row.thinking, row.output))
}

/// Builds the models of one catalog.
pub(super) fn catalog(catalog: Catalog) -> Vec<ModelInfo> {
    match catalog {
        Catalog::Claude => build(CLAUDE, "anthropic", "claude", false),
        Catalog::Gemini | Catalog::Vertex => build(GEMINI, "google", "gemini", true),
        Catalog::GeminiCli => build(&GEMINI[..5], "google", "gemini", true),
        Catalog::AiStudio => {
            let mut models = build(&GEMINI[..5], "google", "gemini", true);
            models.extend(build(AISTUDIO_EXTRA, "google", "gemini", true));
            models
        }
        Catalog::Codex => build(OPENAI, "openai", "openai", false),
        Catalog::Qwen => build(QWEN, "qwen", "qwen", false),
        Catalog::Iflow => build(IFLOW, "iflow", "iflow", false),
    }
}

fn build(rows: &[Row], owned_by: &str, kind: &str, is_google: bool) -> Vec<ModelInfo> {
    rows.iter()
        .map(|row| ModelInfo {
            id: row.id.to_owned(),
            owned_by: owned_by.to_owned(),
            kind: kind.to_owned(),
            display_name: row.display.to_owned(),
            created: row.created,
            context_length: row.context,
            max_output_tokens: row.output,
            gemini: is_google.then(|| gemini_info(row)),
            thinking: row.thinking,
        })
        .collect()
}

fn gemini_info(row: &Row) -> GeminiInfo {
    let version = if row.id.starts_with("gemini-3") {
        "3"
    } else if row.id.starts_with("gemini-2.5") {
        "2.5"
    } else {
        "latest"
    };
    let description = match row.id {
        "gemini-2.5-pro" => "Stable release (June 17th, 2025) of Gemini 2.5 Pro",
        _ => row.display,
    };
    GeminiInfo {
        name: format!("models/{}", row.id),
        version: version.to_owned(),
        description: description.to_owned(),
        input_token_limit: row.context,
        output_token_limit: row.output,
        methods: GEMINI_METHODS,
    }
}
