"""The job-configuration backend: IR Job → a Graph synchronizationSchema document."""
