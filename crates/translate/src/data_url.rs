//! `data:` URL parsing and building for image parts (translation spec §2.1), steps 5/9.
//!
//! A real parser (`data:[<mime>][;params][;base64],<data>`) instead of the Go string
//! surgery; non-data URLs are kept as URL sources by callers. Pure.

use cpa_protocol::ir::ImageSource;

/// Parses an image URL into an IR source: base64 `data:` URLs become
/// [`ImageSource::Base64`], everything else (http(s), non-base64 data URLs) a URL source.
pub fn parse_image_url(url: &str) -> ImageSource {
    if let Some(rest) = url.strip_prefix("data:")
        && let Some((meta, data)) = rest.split_once(',')
    {
        let mut params = meta.split(';');
        let mime = params.next().unwrap_or("").trim();
        if params.any(|p| p.trim().eq_ignore_ascii_case("base64")) {
            let media_type = if mime.is_empty() {
                "application/octet-stream"
            } else {
                mime
            };
            return ImageSource::Base64 {
                media_type: media_type.to_owned(),
                data: data.to_owned(),
            };
        }
    }
    ImageSource::Url {
        url: url.to_owned(),
    }
}

/// The URL form of an image source (`data:<mime>;base64,<data>` for inline images).
pub fn to_image_url(source: &ImageSource) -> String {
    match source {
        ImageSource::Base64 { media_type, data } => {
            let mut s = String::with_capacity(data.len() + media_type.len() + 13);
            s.push_str("data:");
            s.push_str(media_type);
            s.push_str(";base64,");
            s.push_str(data);
            s
        }
        ImageSource::Url { url } => url.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_parse_into_base64_and_round_trip() {
        let src = parse_image_url("data:image/png;base64,AAAA");
        assert_eq!(
            src,
            ImageSource::Base64 {
                media_type: "image/png".into(),
                data: "AAAA".into()
            }
        );
        assert_eq!(to_image_url(&src), "data:image/png;base64,AAAA");
        assert!(matches!(
            parse_image_url("https://x/y.png"),
            ImageSource::Url { .. }
        ));
        assert!(matches!(
            parse_image_url("data:text/plain,hi"),
            ImageSource::Url { .. }
        ));
    }
}
