"""Writes the data files that workshop participants bring, made by the tools
themselves: Orange tables saved by Orange's own Table.save (and a few in
Orange's other header styles, typed here and read back by Orange), CSV files
written by pandas as R writes them (row names under an empty name, NA for
missing), semicolons as European spreadsheets write them, pipes, single
quotes, a column of names, a class called "none". Beside them, expected.json
records what the tool itself reads back from each file: the rows with a
target, the target, the task, the classes and every column's role; or, for
rows that only look like data, the words reglab's refusal must contain.

Needs Orange and pandas (pip install orange3 pandas). Run from this folder:
python3 make_workshop.py"""
import csv
import io
import json
import sys
import warnings

import numpy as np
import pandas as pd
import Orange
from Orange.data import Table, Domain, ContinuousVariable, DiscreteVariable, StringVariable, TimeVariable

warnings.filterwarnings('ignore')
ORANGE = f'Orange {Orange.version.version}'
PANDAS = f'pandas {pd.__version__}'
expected = {'_versions': {'python': sys.version.split()[0], 'orange3': Orange.version.version, 'pandas': pd.__version__}}


def orange_expectation(name, written_by):
    """What Orange reads from the file: rows with a class, the class, the
    task, the class values in Orange's order, and each column's role."""
    t = Table.from_file(name)
    d = t.domain
    with open(name, encoding='utf-8') as f:
        header = next(csv.reader(f, delimiter='\t' if name.endswith('.tab') else ','))
    header = [h.split('#', 1)[1] if '#' in h[:3] else h for h in header]
    roles = {}
    for h in header:
        if h in [v.name for v in d.attributes]:
            roles[h] = 'feature'
        elif d.class_var is not None and h == d.class_var.name:
            roles[h] = 'target'
        elif h in [v.name for v in d.metas]:
            roles[h] = 'meta'
        elif h == 'weights' and t.has_weights():
            roles[h] = 'meta'  # Orange's row weights: not a column of the domain
        else:
            roles[h] = 'ignored'
    y = t.Y if t.Y.ndim == 1 else t.Y[:, 0]
    cls = d.class_var
    expected[name] = {
        'written_by': written_by,
        'read_back_with': f'{ORANGE} Table.from_file',
        'rows': int((~np.isnan(y)).sum()),
        'target': cls.name,
        'task': 'regression' if cls.is_continuous else 'classification',
        'classes': list(cls.values) if cls.is_discrete else [],
        'class_order': True,
        'roles': roles,
        'labels': None,
        'notes': ['Orange table'],
    }


# ---- Orange's Table.save, three header rows ----
mammal, bird, fish = 'mammal', 'bird', 'fish'
animals = [('aardvark', 1, 4, mammal), ('bass', 0, 0, fish), ('chicken', 0, 2, bird), ('dolphin', 0, 0, mammal),
           ('duck', 0, 2, bird), ('carp', 0, 0, fish), ('goat', 1, 4, mammal), ('hawk', 0, 2, bird),
           ('herring', 0, 0, fish), ('mole', 1, 4, mammal), ('penguin', 0, 2, bird), ('pike', 0, 0, fish)]
dom = Domain([DiscreteVariable('hair', values=('0', '1')), ContinuousVariable('legs')],
             DiscreteVariable('type', values=(mammal, bird, fish)), metas=[StringVariable('name')])
Table.from_numpy(dom, np.array([[h, l] for _, h, l, _ in animals], dtype=float),
                 np.array([[mammal, bird, fish].index(t) for *_, t in animals], dtype=float),
                 np.array([[n] for n, *_ in animals], dtype=object)).save('zoo_mini.tab')
orange_expectation('zoo_mini.tab', f'{ORANGE} Table.save')

cities = ('New York', 'Los Angeles', 'Paris')
dom = Domain([ContinuousVariable('area'), DiscreteVariable('city', values=cities),
              TimeVariable('sold', have_date=True, have_time=False)],
             ContinuousVariable('price'), metas=[ContinuousVariable('listing')])
rng = np.random.default_rng(3)
n = 16
area = rng.uniform(40, 160, n).round(1)
area[4] = np.nan
price = (area * 5 + rng.normal(0, 20, n)).round(1)
price[7] = np.nan
sold = 1.6e9 + 86400 * np.arange(n)
Table.from_numpy(dom, np.c_[area, np.arange(n) % 3, sold], price, np.arange(1000, 1000 + n, dtype=float)[:, None],
                 W=np.linspace(0.5, 2, n)).save('houses.tab')
orange_expectation('houses.tab', f'{ORANGE} Table.save (with row weights)')

answers = ('none', 'some', 'many')
dom = Domain([ContinuousVariable('age'), DiscreteVariable('smoker', values=('no', 'yes'))],
             DiscreteVariable('answer', values=answers))
ages = [23, 35, 47, 52, 61, 29, 33, 44, 58, 70]
Table.from_numpy(dom, np.array([[a, i % 2] for i, a in enumerate(ages)], dtype=float),
                 np.array([i % 3 for i in range(len(ages))], dtype=float)).save('survey_orange.csv')
orange_expectation('survey_orange.csv', f'{ORANGE} Table.save as CSV (a class value is "none")')

# ---- Orange's other header styles, typed here, read back by Orange ----
with open('titanic_prefixed.tab', 'w', newline='') as f:
    f.write('D#status\tD#age\tD#sex\tcD#survived\tmS#name\n')
    people = [('first', 'adult', 'male', 'yes', 'Allen'), ('crew', 'adult', 'male', 'no', 'Brown'),
              ('third', 'child', 'female', 'yes', 'Carter'), ('second', 'adult', 'female', 'yes', 'Dean'),
              ('third', 'adult', 'male', 'no', 'Evans'), ('crew', 'adult', 'female', 'yes', 'Ford'),
              ('first', 'child', 'male', 'yes', 'Gray'), ('third', 'adult', 'male', 'no', 'Hill')]
    f.writelines('\t'.join(p) + '\n' for p in people)
orange_expectation('titanic_prefixed.tab', 'typed in Orange\'s one-row header with prefixes (D#, cD#, mS#)')

with open('short_forms.tab', 'w', newline='') as f:
    f.write('x\tcolour\tnote\tjunk\ty\n')
    f.write('c\td\ts\tc\td\n')
    f.write('\t\tm\ti\tc\n')
    rows = [('1.5', 'red', 'first', '9', 'a'), ('?', 'blue', 'second', '9', 'b'), ('2.5', '~', 'third', '?', 'a'),
            ('3', 'red', '', '9', 'b'), ('4', 'green', 'fifth', '9', '?'), ('5.5', 'blue', 'sixth', '9', 'a')]
    f.writelines('\t'.join(r) + '\n' for r in rows)
orange_expectation('short_forms.tab', 'typed with the short types and flags (c d s / c m i), ? and ~ missing')


# ---- pandas, as R and spreadsheets write CSV ----
def pandas_expectation(name, written_by, read, target, classes, labels=None, roles=None):
    df = read(name)
    y = df[target]
    cols = ([df.index.name or ''] if labels else []) + list(df.columns)
    r = {c: 'feature' for c in df.columns}
    r[target] = 'target'
    if labels:
        r[labels] = 'labels'
    r.update(roles or {})
    expected[name] = {
        'written_by': written_by,
        'read_back_with': f'{PANDAS} read_csv',
        'rows': int(y.notna().sum()),
        'target': target,
        'task': 'regression' if y.dtype.kind == 'f' else 'classification',
        'classes': sorted(str(v) for v in y.dropna().unique()) if y.dtype.kind == 'O' else [],
        'class_order': False,
        'roles': r,
        'labels': labels,
        'notes': [],
    }
    return df, cols


iris = pd.DataFrame({
    'Sepal.Length': [5.1, 4.9, 4.7, 7.0, 6.4, 6.9, 6.3, 5.8, 7.1, 5.0, 5.5, 6.5],
    'Sepal.Width': [3.5, 3.0, np.nan, 3.2, 3.2, 3.1, 3.3, 2.7, 3.0, 3.6, 2.3, 3.0],
    'Species': ['setosa'] * 3 + ['versicolor'] * 3 + ['virginica'] * 3 + ['setosa', 'versicolor', 'virginica'],
}, index=[str(i) for i in range(1, 13)])
iris.to_csv('r_style_pandas.csv', quoting=csv.QUOTE_NONNUMERIC, na_rep='NA')
pandas_expectation('r_style_pandas.csv', f'{PANDAS} to_csv(quoting=QUOTE_NONNUMERIC, na_rep="NA"), index of row names',
                   lambda n: pd.read_csv(n, index_col=0), 'Species', None, labels='column1')

# R 4's write.csv(head(iris)) with one value set to NA, as R prints it (R is not installed here).
with open('r_write_csv.csv', 'w', newline='') as f:
    f.write('"","Sepal.Length","Sepal.Width","Petal.Length","Petal.Width","Species"\n'
            '"1",5.1,3.5,1.4,0.2,"setosa"\n"2",4.9,3,1.4,0.2,"setosa"\n"3",4.7,3.2,1.3,NA,"setosa"\n'
            '"51",7,3.2,4.7,1.4,"versicolor"\n"52",6.4,3.2,4.5,1.5,"versicolor"\n"101",6.3,3.3,6,2.5,"virginica"\n')
pandas_expectation('r_write_csv.csv', "typed in the form of R's write.csv (row names, quoted text, NA)",
                   lambda n: pd.read_csv(n, index_col=0), 'Species', None, labels='column1')

names = ['Alabama', 'Alaska', 'Arizona', 'Arkansas', 'California', 'Colorado', 'Connecticut', 'Delaware', 'Florida',
         'Georgia', 'Hawaii', 'Idaho', 'Illinois', 'Indiana', 'Iowa', 'Kansas', 'Kentucky', 'Louisiana', 'Maine',
         'Maryland', 'Massachusetts', 'Michigan', 'Minnesota', 'Mississippi', 'Missouri', 'Montana', 'Nebraska',
         'Nevada', 'New Hampshire', 'New Jersey']
states = pd.DataFrame({'state': names, 'murder': rng.uniform(1, 15, 30).round(1),
                       'urban': rng.integers(30, 95, 30), 'region': [['south', 'west', 'northeast'][i % 3] for i in range(30)]})
states.to_csv('states_names.csv', index=False)
df, _ = pandas_expectation('states_names.csv', f'{PANDAS} to_csv(index=False), a column of names',
                           pd.read_csv, 'region', None, roles={'state': 'labels'})
assert df['state'].is_unique
expected['states_names.csv']['labels'] = 'state'

patients = pd.DataFrame({'patient': [f'P{i:03d}' for i in range(40)], 'dose': rng.uniform(0, 5, 40).round(2),
                         'severity': [['none', 'mild', 'severe'][i % 3] for i in range(40)]})
patients.to_csv('european.csv', sep=';', decimal=',', index=False)
pandas_expectation('european.csv', f'{PANDAS} to_csv(sep=";", decimal=","), ids and a class "none"',
                   lambda n: pd.read_csv(n, sep=';', decimal=',', keep_default_na=False, na_values=['']), 'severity', None,
                   roles={'patient': 'labels'})
expected['european.csv']['labels'] = 'patient'

patients.iloc[:12, 1:].to_csv('pipes_pandas.txt', sep='|', index=False)
pandas_expectation('pipes_pandas.txt', f'{PANDAS} to_csv(sep="|"), no extension',
                   lambda n: pd.read_csv(n, sep='|', keep_default_na=False, na_values=['']), 'severity', None)

iris.iloc[:, [0, 2]].to_csv('single_quotes.csv', quotechar="'", quoting=csv.QUOTE_ALL, index=False)
pandas_expectation('single_quotes.csv', f"{PANDAS} to_csv(quotechar=\"'\", quoting=QUOTE_ALL)",
                   lambda n: pd.read_csv(n, quotechar="'"), 'Species', None)

# ---- rows that look like another tool's header: refused, never read as data ----
with open('units_row.csv', 'w', newline='') as f:
    f.write('height,weight,sex\ncm,kg,\n172,70,m\n160,55,f\n181,80,m\n')
expected['units_row.csv'] = {'error': ['line 2', 'second header row', "'cm'"]}
with open('types_without_flags.csv', 'w', newline='') as f:
    f.write('a,b,y\ncontinuous,continuous,discrete\n1,2,x\n3,4,z\n')
expected['types_without_flags.csv'] = {'error': ['line 2', 'types row of an Orange table']}

with open('expected.json', 'w') as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write('\n')
print(f'{len(expected) - 1} files; written with {ORANGE} and {PANDAS} on Python {sys.version.split()[0]}')
