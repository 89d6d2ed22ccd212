"""Small pieces every feature uses: time, the page-or-partial rule, model helpers."""
