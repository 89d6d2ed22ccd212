"""Small pieces every feature uses, below all of them: access, audit, stored files, settings, time and dates,
mail and reminders, the page-or-partial rule and downloads, forms, the .xlsx writer."""
