"""Demo data from the bureau's notice 乌教发〔2023〕75号: demo load, accounts, scale."""
