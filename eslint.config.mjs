// ESLint over the ops console's scripts: plain ES modules that run in the browser as they
// are, with no build step. `npm run lint`, or ./mvnw verify (ConsoleScriptsLintTests).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';

export default defineConfig([
	{
		files: ['src/main/resources/static/ops/**/*.js'],
		plugins: { js },
		extends: ['js/recommended'],
		languageOptions: {
			ecmaVersion: 2022,
			sourceType: 'module',
			globals: globals.browser,
		},
		rules: {
			// a name the browser does not define fails the build, as a missing import does
			'no-undef': 'error',
		},
	},
]);
